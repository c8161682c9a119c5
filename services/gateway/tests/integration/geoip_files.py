"""Small MaxMind databases written in the test, in the GeoIP2-Country layout."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mmdb_writer import MMDBWriter
from netaddr import IPSet


def write_country_database(path: Path, networks: Mapping[str, dict[str, Any]]) -> str:
    """An IPv6 database (IPv4 mapped in, as MaxMind ships them) of ``network -> record``."""
    writer = MMDBWriter(ip_version=6, database_type="GeoIP2-Country", ipv4_compatible=True)
    for network, record in networks.items():
        writer.insert_network(IPSet([network]), record)
    writer.to_db_file(str(path))
    return str(path)
