/// The text of `logsieve --help`: the user-facing reference of every option.
enum HelpText {
    static let text = """
    Usage: logsieve [OPTIONS] [PIPELINE] [FILE...]

    Redacts session secrets (cookies, Authorization headers, bearer tokens,
    JWTs, OAuth and SAML tokens, API keys, passwords) from a stream of JSON
    events. Reads FILEs, or standard input when there is none or FILE is -,
    and writes NDJSON to standard output. Secrets become keyed fingerprints:
    [REDACTED:<kind>:<first 12 hex digits of HMAC-SHA-256>].

    PIPELINE is a jq-style chain of stages separated by |:
      redact                     redact secrets (the default pipeline)
      select(PATH == VALUE)      keep events where PATH equals VALUE
      select(PATH != VALUE)      keep events where it does not
      select(has(PATH))          keep events that have PATH
      del(PATH)                  delete the values at PATH
    PATH is a jq path: .a.b  .a[0]  .a[]  ."odd key"  .["key"]
    VALUE is a JSON string, number, true, false or null.
    A pipeline that does not name redact gets it appended as its last stage.
    A first argument that is not an existing file is taken as the pipeline.

    Subcommands: kafka (see logsieve kafka --help); reserved: har, check, config.

    Options:
      -p, --pipeline EXPR      the pipeline (then every argument is a FILE)
      -o, --output FILE        write to FILE (created with mode 0600) instead
                               of standard output; FILE.zst is written as zstd
          --force-output       write to -o FILE even if it is a symbolic link
          --split PATH         emit the elements at PATH as separate events,
                               e.g. '.[]' (a top-level array) or '.records[]'
          --input-format FMT   json (default) or text: plain text lines, with
                               the value detectors and URL rules applied
          --max-line-bytes N   longest line or multi-line value, in bytes, with
                               an optional K, M or G suffix (default: 32M);
                               longer lines become an envelope without text
          --max-depth N        deepest nesting of arrays and objects, JSON in
                               strings included (default: 512 levels)
          --key-file FILE      the fingerprint key: at least 32 bytes, one
                               trailing newline ignored; also taken from
                               LOGSIEVE_HMAC_KEY_FILE, or from LOGSIEVE_HMAC_KEY
                               (visible to other processes of the same user).
                               Without one, a random key is used for the run.
          --replace MODE       fingerprint (default): [REDACTED:kind:fp];
                               mask: [REDACTED]; remove: delete JSON members
                               that match a key rule, mask the rest
          --jwt MODE           redact (default) or keep-claims: keep a JWT's
                               header and claims and drop its signature
          --redact-key KEY     also redact KEY (normalised like the key rules);
                               repeatable; redacted as kind secret
          --keep-key KEY       never redact KEY by key rule; repeatable
          --no-value-detectors apply key rules only: no Bearer, JWT, token
                               shape, URL parameter or cookie-in-text rules
          --no-redact          do not append the redact stage
          --fail-on-invalid    exit 1 if any input was not valid JSON
          --stats              print counts and throughput to stderr at the end
      -h, --help               show this help
          --version            show the version and the C library versions

    Input that is not valid JSON is written as
      {"logsieve_invalid":{"reason":…,"offset":…,"bytes":…,"line":…,"text":…}}
    with the text scrubbed by the same rules. Input compressed with zstd or
    gzip is decompressed. A value spanning lines (pretty-printed JSON) is
    written on one line.

    Exit status: 0 on success, 1 on a runtime failure (unreadable input,
    write error, invalid input with --fail-on-invalid), 2 on a usage error.

    """
}
