#!/usr/bin/env python3
"""Write logsieve-test.mmdb, the tiny MaxMind database that the --geoip-db
tests read. It combines GeoLite2-City and GeoLite2-ASN record shapes for
documentation networks (RFC 5737, RFC 3849), with invented names.

Requires mmdb-writer and netaddr from PyPI:
    python3 -m venv /tmp/mmdb && /tmp/mmdb/bin/pip install mmdb-writer netaddr
    /tmp/mmdb/bin/python Tests/Fixtures/geoip/make-test-mmdb.py
"""
import pathlib

from mmdb_writer import MMDBWriter, MmdbF64, MmdbU32
from netaddr import IPSet


def record(country_code, country, city, latitude, longitude, as_number, as_organization):
    return {
        "country": {"iso_code": country_code, "names": {"en": country}},
        "city": {"names": {"en": city}},
        "location": {"latitude": MmdbF64(latitude), "longitude": MmdbF64(longitude)},
        "autonomous_system_number": MmdbU32(as_number),
        "autonomous_system_organization": as_organization,
    }


NETWORKS = [
    ("198.51.100.0/24", record("US", "United States", "Portland", 45.5202, -122.6742, 64496, "northwind telecom")),
    ("203.0.113.0/24", record("NL", "Netherlands", "Amsterdam", 52.37, 4.89, 64500, "example cloud hosting")),
    ("2001:db8:1::/48", record("US", "United States", "Portland", 45.5202, -122.6742, 64496, "northwind telecom")),
]

writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="logsieve-test-City-ASN",
                    languages=["en"], description={"en": "logsieve test database"})
for network, content in NETWORKS:
    writer.insert_network(IPSet([network]), content)
writer.to_db_file(str(pathlib.Path(__file__).resolve().parent / "logsieve-test.mmdb"))
