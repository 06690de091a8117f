/// The help of the `har` and `check` subcommands.
extension HelpText {
    static let har = """
    Usage: logsieve har [OPTIONS] FILE...
           logsieve har --check [OPTIONS] FILE...

    Sanitizes HAR files (HTTP Archive 1.2, as browsers and proxies export
    them) before they are shared. Each FILE is written to FILE.sanitized.har
    next to it (capture.har becomes capture.sanitized.har), with mode 0600.
    Bytes that hold no secret stay as they were, pretty-printing included.

    Every entry of log.entries goes through the redactor, and so do the
    bytes around them (log.creator, pages). Beyond the rules of the filter,
    base64 response bodies and binary WebSocket frames are decoded, scanned
    and encoded again; multipart bodies are redacted part by part; a body
    that cannot be decoded becomes [REDACTED:unscannable].

    The file is read in chunks, one entry at a time, so memory is bounded by
    the largest entry. A truncated or corrupt HAR is an error that names the
    byte offset, and leaves no output file.

    Options:
          --check              write nothing; print each secret still in the
                               files (path, kind, fingerprint, never the value)
                               and exit 1 if there is any
      -o, --output FILE        write to FILE instead (one input only); - is
                               standard output, which gets partial output if
                               the HAR turns out to be corrupt
          --report FILE        write counts of what was redacted, by kind and
                               by JSON path, to FILE (JSON, mode 0600)
          --force-output       replace a symbolic link at -o FILE or --report
                               FILE; without it, a link there is an error
          --format FMT         findings of --check as text (default) or json
                               (one object per line)
          --saml MODE          redact (default): a SAMLResponse becomes
                               [REDACTED:saml]; keep-unsigned: keep it with the
                               content of its <ds:SignatureValue> removed
          --jwt MODE           redact (default) or keep-claims
          --key-file FILE      the fingerprint key, as for the filter
          --redact-key KEY     also redact KEY; repeatable
          --keep-key KEY       never redact KEY by key rule; repeatable
          --max-entry-bytes N  largest entry, in bytes, with an optional K, M or
                               G suffix (default: 256M); a larger one is an error
          --max-body-bytes N   largest decoded base64 body to scan (default:
                               64M); a larger one becomes [REDACTED:unscannable]
          --max-depth N        deepest nesting (default: 512 levels)
          --threads N          threads that sanitize entries (default: the
                               number of cores; --check and --report use one)

    Exit status: 0 on success (with --check: nothing found), 1 on a corrupt
    or unreadable HAR or when --check found something, 2 on a usage error.

    """

    static let check = """
    Usage: logsieve check [OPTIONS] [FILE...]

    Reads NDJSON from FILEs, or standard input when there is none or FILE is
    -, writes nothing, and prints one line for each secret that is still in
    it: FILE:LINE: PATH KIND FINGERPRINT. PATH is a jq path such as
    .request.headers[1].value; the secret itself is never printed, and a key
    that is a secret is shown redacted. A record that is not valid JSON or
    is longer than --max-line-bytes could not be checked, and is reported
    as kind unscannable at path '.'.

    Options:
          --format FMT         text (default) or json: one object per finding
                               with file, line, path, kind and fingerprint
          --report FILE        write counts by kind and by path to FILE (JSON,
                               mode 0600)
          --force-output       replace a symbolic link at --report FILE;
                               without it, a link there is an error
          --key-file FILE      the fingerprint key, so that fingerprints match
                               those of the filter's output
          --redact-key KEY     also report KEY; repeatable
          --keep-key KEY       never report KEY by key rule; repeatable
          --max-line-bytes N   longest record (default: 32M)
          --max-depth N        deepest nesting (default: 512 levels)

    Exit status: 0 when nothing was found, 1 when something was found or an
    input could not be read, 2 on a usage error.

    """

    static let config = """
    Usage: logsieve config check FILE
           logsieve config show [--config FILE] [OPTIONS]

    check reads a configuration file (YAML, or JSON) and prints every error
    to standard error as FILE:LINE:COLUMN: message. Unknown keys are errors.
    FILE - reads standard input.

    show prints the configuration in effect as YAML: the file (--config or
    LOGSIEVE_CONFIG), then the environment variables, then OPTIONS, which
    are those of the filter. Passwords, keys and secret librdkafka
    properties are shown as ********.

    Environment variables, between the file and the options:
      LOGSIEVE_CONFIG          the configuration file
      LOGSIEVE_PIPELINE        the pipeline
      LOGSIEVE_THREADS         --threads
      LOGSIEVE_OUTPUT          --output
      LOGSIEVE_REPLACE         --replace (the default mode)
      LOGSIEVE_JWT             --jwt
      LOGSIEVE_VALUE_DETECTORS true or false (false: --no-value-detectors)
      LOGSIEVE_MAX_DEPTH       --max-depth
      LOGSIEVE_MAX_LINE_BYTES  --max-line-bytes
      LOGSIEVE_INPUT_FORMAT    --input-format
      LOGSIEVE_SPLIT           --split
      LOGSIEVE_STATE_DIR       --state-dir
      LOGSIEVE_HMAC_KEY_FILE, LOGSIEVE_HMAC_KEY, LOGSIEVE_KAFKA_*: as before

    Exit status: 0 when the file is valid (check) or the configuration was
    printed (show), 1 when the file is invalid, 2 on a usage error.

    """
}
