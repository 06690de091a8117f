// A baseline for bench/throughput: the JSON-parsing limit for the work
// that redaction must do. It parses NDJSON with simdjson's iterate_many
// (On-Demand API) and visits every string value in every document, keys
// included, as logsieve must look at each of them. It prints the number of
// documents and strings, and the bytes of string content, so that the work
// cannot be optimised away.
//
// Build: g++ -O3 -std=c++17 simdjson-strings.cpp -o simdjson-strings -lsimdjson
// Run:   ./simdjson-strings FILE
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>

using namespace simdjson;

namespace {

struct Totals {
    size_t documents = 0;
    size_t strings = 0;
    size_t stringBytes = 0;
};

// Visits a value and everything inside it. Returns false on a parse error.
bool visit(ondemand::value value, Totals &totals) {
    ondemand::json_type type;
    if (value.type().get(type)) return false;
    switch (type) {
    case ondemand::json_type::object: {
        ondemand::object object;
        if (value.get_object().get(object)) return false;
        for (auto field : object) {
            std::string_view key;
            if (field.unescaped_key().get(key)) return false;
            totals.strings++;
            totals.stringBytes += key.size();
            ondemand::value member;
            if (field.value().get(member) || !visit(member, totals)) return false;
        }
        return true;
    }
    case ondemand::json_type::array: {
        ondemand::array array;
        if (value.get_array().get(array)) return false;
        for (auto element : array) {
            ondemand::value item;
            if (element.get(item) || !visit(item, totals)) return false;
        }
        return true;
    }
    case ondemand::json_type::string: {
        std::string_view text;
        if (value.get_string().get(text)) return false;
        totals.strings++;
        totals.stringBytes += text.size();
        return true;
    }
    default: {
        // Numbers, booleans and null: read their raw text, as a scan must.
        (void)value.raw_json_token();
        return true;
    }
    }
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s FILE.ndjson\n", argv[0]);
        return 2;
    }
    padded_string json;
    if (padded_string::load(argv[1]).get(json)) {
        std::fprintf(stderr, "simdjson-strings: cannot read %s\n", argv[1]);
        return 1;
    }
    ondemand::parser parser;
    ondemand::document_stream documents;
    // The batch must hold the largest document; 32 MiB matches logsieve's
    // default --max-line-bytes.
    if (parser.iterate_many(json, 32 << 20).get(documents)) {
        std::fprintf(stderr, "simdjson-strings: iterate_many failed\n");
        return 1;
    }
    Totals totals;
    for (auto document : documents) {
        ondemand::value value;
        if (document.get_value().get(value) || !visit(value, totals)) {
            std::fprintf(stderr, "simdjson-strings: invalid JSON in document %zu\n", totals.documents + 1);
            return 1;
        }
        totals.documents++;
    }
    std::printf("documents %zu strings %zu string_bytes %zu\n", totals.documents, totals.strings, totals.stringBytes);
    return 0;
}
