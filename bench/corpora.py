"""Build the benchmark corpora under bench/data/ if they are missing.

Every corpus is deterministic: the mixed NDJSON corpus and the HAR come from
generate-corpus with a seed, and the Okta session stream of bench/enrich has
no random choices at all. Files are written under a temporary name and
renamed into place, so an interrupted run leaves no partial corpus, and they
get mode 0600 in a directory of mode 0700.

Used by bench/run and bench/har; also a command line tool:

    python3 bench/corpora.py har SIZE HAR_FILE NDJSON_FILE
"""

import importlib.machinery
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"

SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(text):
    """Return the bytes in a size such as 4096, 64M or 1G (powers of 1024)."""
    match = re.fullmatch(r"(\d+)([KMG]?)", text.strip(), re.IGNORECASE)
    if match is None:
        raise ValueError(f"invalid size {text!r}: expected a number with an optional K, M or G suffix, such as 64M")
    return int(match.group(1)) * SIZE_UNITS[match.group(2).upper()]


def data_dir():
    DATA_DIR.mkdir(mode=0o700, exist_ok=True)
    return DATA_DIR


def ensure_mixed(size_text, seed=1, log=sys.stderr):
    """Return the path of the mixed NDJSON corpus of generate-corpus, generating it if missing."""
    suffix = "" if seed == 1 else f"-seed{seed}"
    path = data_dir() / f"mixed-{size_text.upper()}{suffix}.ndjson"
    if not path.is_file() or path.stat().st_size == 0:
        print(f"corpora: generating {path} ({size_text}, seed {seed})", file=log)
        subprocess.run([str(BENCH_DIR / "generate-corpus"), "--size", size_text, "--seed", str(seed),
                        "--output", str(path)], check=True, stdout=log)
    return path


def ensure_enrich(sessions, rounds, log=sys.stderr):
    """Return the path of bench/enrich's Okta session stream, generating it if missing.

    The stream contains `sessions` sessions that each sign in once and act again
    in every later round, in event-time order, so all of them are tracked at
    once by the enrich stage.
    """
    path = data_dir() / f"enrich-{sessions}x{rounds}.ndjson"
    if not path.is_file() or path.stat().st_size == 0:
        print(f"corpora: generating {path} ({sessions} sessions, {rounds} events each)", file=log)
        # bench/enrich is a script without a .py suffix, so it is loaded by path.
        loader = importlib.machinery.SourceFileLoader("bench_enrich", str(BENCH_DIR / "enrich"))
        spec = importlib.util.spec_from_loader("bench_enrich", loader)
        enrich = importlib.util.module_from_spec(spec)
        sys.dont_write_bytecode = True
        loader.exec_module(enrich)
        temporary = path.with_suffix(".tmp")
        enrich.generate(temporary, sessions, rounds)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    return path


def write_har(corpus, har_path, ndjson_path, limit):
    """Write the HAR entry lines of `corpus`, up to about `limit` bytes, as one HAR and as NDJSON.

    The HAR is pretty-printed around the entries, one entry per line, as a
    browser export would be at its top level. The NDJSON file contains the same
    entries unchanged, so both formats can be timed on the same bytes.
    """
    head = ('{\n  "log": {\n    "version": "1.2",\n    "creator": {"name": "bench/har", "version": "1"},\n'
            '    "pages": [],\n    "entries": [\n')
    written = len(head)
    har_temporary, ndjson_temporary = str(har_path) + ".tmp", str(ndjson_path) + ".tmp"
    with open(corpus, "rb") as source, open(har_temporary, "wb") as har, open(ndjson_temporary, "wb") as ndjson:
        os.chmod(har_temporary, 0o600)
        os.chmod(ndjson_temporary, 0o600)
        har.write(head.encode())
        first = True
        for line in source:
            if not line.startswith(b'{"startedDateTime"'):
                continue
            entry = line.rstrip(b"\n")
            if written + len(entry) > limit:
                break
            har.write((b"" if first else b",\n") + b"      " + entry)
            ndjson.write(entry + b"\n")
            written += len(entry) + 8
            first = False
        har.write(b"\n    ]\n  }\n}\n")
    os.replace(har_temporary, har_path)
    os.replace(ndjson_temporary, ndjson_path)


def build_har(size_text, har_path, ndjson_path, log=sys.stderr):
    """Write a HAR of about `size_text` bytes to `har_path` and its entries as NDJSON to `ndjson_path`."""
    limit = parse_size(size_text)
    # HAR entries are about a third of the mixed corpus by bytes, so a
    # corpus three times the size contains enough of them.
    corpus = Path(har_path).with_name(f"mixed-for-har-{size_text.upper()}.ndjson")
    print(f"corpora: generating {har_path} from a {limit * 3}-byte mixed corpus", file=log)
    subprocess.run([str(BENCH_DIR / "generate-corpus"), "--size", str(limit * 3), "--output", str(corpus)],
                   check=True, stdout=log)
    try:
        write_har(corpus, har_path, ndjson_path, limit)
    finally:
        corpus.unlink(missing_ok=True)


def ensure_har(size_text, log=sys.stderr):
    """Return the paths of the HAR of about `size_text` bytes and its entries as NDJSON, building them if missing."""
    size_text = size_text.upper()
    har_path = data_dir() / f"entries-{size_text}.har"
    ndjson_path = data_dir() / f"entries-{size_text}.ndjson"
    if not (har_path.is_file() and har_path.stat().st_size > 0 and ndjson_path.is_file()):
        build_har(size_text, har_path, ndjson_path, log)
    return har_path, ndjson_path


def ensure_key():
    """Return the path of the benchmark's fingerprint key file, creating a random 32-byte key if missing."""
    path = data_dir() / "bench-hmac.key"
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(os.urandom(32))
    return path


def main(argv):
    if len(argv) != 5 or argv[1] != "har":
        sys.exit("usage: python3 bench/corpora.py har SIZE HAR_FILE NDJSON_FILE")
    build_har(argv[2], Path(argv[3]), Path(argv[4]))


if __name__ == "__main__":
    main(sys.argv)
