"""The GeoIP adapter reads a real ``.mmdb`` file (written here with mmdb-writer)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from maxminddb import InvalidDatabaseError

from parley_gateway.adapters.geoip_countries import MaxMindCountries

from .geoip_files import write_country_database

pytestmark = pytest.mark.integration


@pytest.fixture
def countries(tmp_path: Path) -> Iterator[MaxMindCountries]:
    path = write_country_database(
        tmp_path / "countries.mmdb",
        {
            "203.0.113.0/24": {"country": {"iso_code": "ch", "names": {"en": "Switzerland"}}},
            "2001:db8::/32": {"country": {"iso_code": "DE"}},
            "198.51.100.0/24": {"registered_country": {"iso_code": "FR"}},
            "192.0.2.0/24": {"continent": {"code": "EU"}},
        },
    )
    lookup = MaxMindCountries(path)
    yield lookup
    lookup.close()


@pytest.mark.parametrize(
    ("address", "country"),
    [
        ("203.0.113.7", "CH"),
        ("2001:db8::1", "DE"),
        ("198.51.100.9", "FR"),  # only the registered country is known
        ("192.0.2.1", None),  # a record without a country
        ("10.1.2.3", None),  # not in the database
        ("not-an-address", None),
        ("", None),
    ],
)
def test_an_address_maps_to_its_country(
    countries: MaxMindCountries, address: str, country: str | None
) -> None:
    assert countries.country_of(address) == country


def test_a_file_that_is_not_a_database_is_refused_at_once(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"this is no maxmind database")
    with pytest.raises(InvalidDatabaseError):
        MaxMindCountries(str(broken))
