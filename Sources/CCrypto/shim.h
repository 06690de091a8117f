#ifndef LOGSIEVE_CCRYPTO_SHIM_H
#define LOGSIEVE_CCRYPTO_SHIM_H

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/hmac.h>

// HMAC-SHA-256 (RFC 2104) with the key schedule computed once: the SHA-256
// states after the inner and outer padded keys are kept and copied for each
// message. OpenSSL's EVP_MAC API allocates and frees a context per message,
// which costs about four times as many instructions for short secrets. The
// SHA256_* functions are deprecated in OpenSSL 3.0 but still provided.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

typedef struct {
    SHA256_CTX inner;
    SHA256_CTX outer;
} logsieve_hmac_sha256_key;

static inline void logsieve_hmac_sha256_key_init(logsieve_hmac_sha256_key *state, const unsigned char *key, size_t key_length) {
    unsigned char block[64] = {0};
    if (key_length > sizeof(block)) {
        SHA256(key, key_length, block);
    } else {
        for (size_t i = 0; i < key_length; i++) block[i] = key[i];
    }
    unsigned char pad[64];
    for (size_t i = 0; i < 64; i++) pad[i] = block[i] ^ 0x36;
    SHA256_Init(&state->inner);
    SHA256_Update(&state->inner, pad, 64);
    for (size_t i = 0; i < 64; i++) pad[i] = block[i] ^ 0x5c;
    SHA256_Init(&state->outer);
    SHA256_Update(&state->outer, pad, 64);
    OPENSSL_cleanse(block, sizeof(block));
    OPENSSL_cleanse(pad, sizeof(pad));
}

static inline void logsieve_hmac_sha256(const logsieve_hmac_sha256_key *state, const unsigned char *data, size_t length, unsigned char digest[32]) {
    SHA256_CTX context = state->inner;
    SHA256_Update(&context, data, length);
    unsigned char inner_digest[32];
    SHA256_Final(inner_digest, &context);
    context = state->outer;
    SHA256_Update(&context, inner_digest, sizeof(inner_digest));
    SHA256_Final(digest, &context);
}

#pragma GCC diagnostic pop

#endif
