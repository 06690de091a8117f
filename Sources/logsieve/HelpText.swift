/// The text of `logsieve --help`: the user-facing reference of every option.
enum HelpText {
    static let text = """
    Usage: logsieve [OPTIONS] [PIPELINE] [FILE...]

    Redacts session secrets (cookies, Authorization headers, bearer tokens,
    JWTs, OAuth and SAML tokens, API keys, passwords) from a stream of JSON
    events. Reads FILEs, or standard input when there is none or FILE is -,
    and writes NDJSON (plain text lines with --input-format text) to standard
    output. Secrets become keyed fingerprints:
    [REDACTED:<kind>:<first 12 hex digits of HMAC-SHA-256>].

    PIPELINE is a jq-style chain of stages separated by |:
      redact                     redact secrets
      enrich                     flag Okta, Entra ID and Google Workspace
                                 sign-in events from session and user state;
                                 the default pipeline is redact | enrich
      select(PATH == VALUE)      keep events where PATH equals VALUE
      select(PATH != VALUE)      keep events where it does not
      select(has(PATH))          keep events that have PATH
      del(PATH)                  delete the values at PATH
    PATH is a jq path: .a.b  .a[0]  .a[]  ."odd key"  .["key"]
    VALUE is a JSON string, number, true, false or null.
    A pipeline that does not name redact gets it appended as its last stage.
    A first argument that is not an existing file is taken as the pipeline.

    Subcommands: har (sanitize HAR files, see logsieve har --help), check
    (report secrets left in NDJSON, see logsieve check --help), kafka (relay
    a consumer group's topics, see logsieve kafka --help), config (check a
    configuration file or show the effective one, see logsieve config --help).

    Options:
      -p, --pipeline EXPR      the pipeline (then every argument is a FILE)
          --config FILE        read settings from a YAML or JSON file (also
                               LOGSIEVE_CONFIG); the environment overrides
                               the file and options override both; SIGHUP
                               reloads it
      -o, --output FILE        write to FILE instead of standard output; a new
                               FILE is created with mode 0600, an existing one
                               keeps its mode; FILE.zst is written as zstd
          --force-output       write to -o FILE even if it is a symbolic link, and
                               replace a link at the --state-dir snapshot
          --split PATH         emit the elements at PATH as separate events,
                               e.g. '.[]' (a top-level array) or '.records[]'
          --input-format FMT   json (default) or text: plain text lines, with
                               the value detectors and URL rules applied
          --max-line-bytes N   longest line or multi-line value, in bytes, with
                               an optional K, M or G suffix (default: 32M);
                               longer lines become an envelope without text
          --max-depth N        deepest nesting of arrays and objects, JSON in
                               strings included (default: 512 levels, at most
                               10000)
          --key-file FILE      the fingerprint key: at least 32 bytes, one
                               trailing newline ignored; also taken from
                               LOGSIEVE_HMAC_KEY_FILE, or from LOGSIEVE_HMAC_KEY
                               (visible to other processes of the same user).
                               Without one, a random key is used for the run.
          --replace MODE       fingerprint (default): [REDACTED:kind:fp];
                               mask: [REDACTED]; remove: delete JSON members
                               that match a key rule, mask the rest
          --replace-kind KIND=MODE
                               the replacement of one kind of secret, such as
                               password=mask; repeatable
          --jwt MODE           redact (default) or keep-claims: keep a JWT's
                               header and claims and drop its signature
          --redact-key KEY     also redact KEY (normalised like the key rules);
                               repeatable; redacted as kind secret
          --keep-key KEY       never redact KEY by key rule; repeatable
          --no-value-detectors apply key rules only: no Bearer, JWT, token
                               shape, URL parameter or cookie-in-text rules
          --no-redact          do not append the redact stage
          --fail-on-invalid    exit 1 if any input was not valid JSON
          --threads N          threads that redact in parallel, each on its own
                               batch of lines, with output in input order
                               (default: the number of cores); enrich and
                               the stages after it run on one thread, and a
                               pipeline with redact after enrich runs on one
          --stats              print counts and throughput to stderr at the end

    Sidecar inputs and outputs (instead of FILE arguments):
          --listen ADDR        accept NDJSON on tcp://HOST:PORT or
                               unix:/path.sock from many clients at once;
                               repeatable; port 0 picks a free port, and the
                               address is printed on stderr
          --socket-mode MODE   octal mode of Unix socket files (default: 600)
          --max-connections N  clients served at once; more wait to be
                               accepted (default: 256)
          --idle-timeout S     close a client silent for S seconds
                               (default: 300)
          --follow FILE        read FILE as it grows, across rotation and
                               truncation (as tail -F); repeatable; with
                               --state-dir, resume where the last run stopped
      -o tcp://HOST:PORT, -o unix:/path.sock
                               send the output to a socket, reconnecting with
                               backoff; input pauses while the buffer is full
          --output-buffer-bytes N
                               the most the output socket buffers, in bytes
                               with an optional K, M or G suffix (default: 4M)
          --drain-timeout S    at the end, wait up to S seconds for the output
                               socket to take the rest (default: 10); events
                               not delivered are counted and the exit status
                               is 1
          --rotate-bytes N     with -o FILE: append, and rename FILE to FILE.1
                               before it would exceed N bytes (at a line end)
          --rotate-keep K      keep FILE.1 to FILE.K (default: 5)

    Enrich options (thresholds in event time):
          --event-root PATH    read the provider's event at PATH, e.g. .detail
                               for EventBridge; the flags go on the outer event
          --geoip-db FILE      look up the AS, country and location of
                               addresses whose event lacks them in a MaxMind
                               database (City, Country or ASN); repeatable
          --state-dir DIR      load the session and user state from DIR at
                               start and save it there (mode 0600); needs a
                               fixed key (--key-file or the variables above);
                               also holds the --follow positions
          --state-interval S   save changed state every S seconds, also while
                               input is idle (default: 60; 0: after every batch)
          --trusted-cidr NET   never raise network flags for NET; repeatable
          --trusted-asn N      never raise network flags for AS N; repeatable
          --max-travel-speed K impossible travel above K km/h (default: 805)
          --min-travel-distance K
                               ignore moves under K km (default: 50)
          --sensitive-action-window S
                               a sensitive admin action this long after a
                               session flag for the user is high (default:
                               1800, 30 minutes)
          --mfa-reset-window S flag a sign-in this long after the user's MFA
                               reset (default: 43200, 12 hours)
          --late-tolerance S   evaluate events up to S seconds late against
                               the state at their time (default: 300)
          --session-ttl S      forget sessions unseen for S seconds
                               (default: 86400, 24 hours)
          --user-ttl S         forget users unseen for S seconds
                               (default: 2592000, 30 days)
          --max-sessions N     track at most N sessions, evicting the least
                               recently seen (default: 1000000)
          --max-users N        track at most N users (default: 1000000)
    Metrics, health and logs:
          --metrics tcp://ADDRESS:PORT
                               serve HTTP on ADDRESS:PORT (default address
                               127.0.0.1; port 0 picks a free one, logged at
                               info level): /metrics in the Prometheus text
                               format, /healthz (200 unless the pipeline is
                               stuck in one batch for 60 s), /readyz (200 once
                               the inputs are open, else 503)
          --log-format FMT     stderr log lines: text (default), logfmt or
                               json (one object per line)
          --log-level LEVEL    error, warn (default), info (start, stop,
                               invalid input) or debug
    Metrics: logsieve_events_in_total, logsieve_events_out_total,
    logsieve_events_dropped_total, logsieve_bytes_in_total,
    logsieve_bytes_out_total, logsieve_invalid_records_total{reason},
    logsieve_redactions_total{kind}, logsieve_enrichment_events_total,
    logsieve_enrichment_flags_total{flag}, logsieve_config_reloads_total{result},
    logsieve_connections_accepted_total, logsieve_connections_open,
    logsieve_output_reconnects_total, logsieve_errors_total{component},
    process_resident_memory_bytes, process_start_time_seconds,
    logsieve_build_info{version}; in kafka mode also
    logsieve_kafka_consumer_lag{topic,partition},
    logsieve_kafka_delivery_failures_total,
    logsieve_kafka_messages_consumed_total,
    logsieve_kafka_messages_delivered_total,
    logsieve_kafka_assigned_partitions.

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
