#include <zlib.h>

// inflateInit2 is a macro in zlib.h, which Swift cannot call.
static inline int logsieve_inflate_init(z_stream *stream, int window_bits) {
    return inflateInit2(stream, window_bits);
}
