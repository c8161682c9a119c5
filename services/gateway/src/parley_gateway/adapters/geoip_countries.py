"""The visitor's country from a MaxMind database (GeoIP2/GeoLite2 Country or City, ``.mmdb``).

Used only when no trusted proxy header gave a country. The address looked up is the socket's
peer: behind a proxy or load balancer that is the proxy's own address, so there the proxy must
set the country header (``country_header``) instead.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

import maxminddb


class MaxMindCountries:
    """Implements ``CountryLookup`` over one ``.mmdb`` file, memory-mapped, read-only."""

    def __init__(self, path: str) -> None:
        self._reader = maxminddb.open_database(path)

    def country_of(self, address: str) -> str | None:
        """The ISO 3166-1 alpha-2 code of ``address``; None when the database has none (private
        ranges, unknown networks) or ``address`` is not an IP address."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return None
        if ip.version == 6 and self._reader.metadata().ip_version == 4:
            return None
        record = self._reader.get(ip)
        if not isinstance(record, Mapping):
            return None
        # "country" is where the visitor is; "registered_country" where the network is registered.
        for key in ("country", "registered_country"):
            code = _iso_code(record.get(key))
            if code:
                return code
        return None

    def close(self) -> None:
        self._reader.close()


def _iso_code(place: Any) -> str | None:
    code = place.get("iso_code") if isinstance(place, Mapping) else None
    return code.upper() if isinstance(code, str) else None
