"""Card numbers in visitor text are masked before the text is stored or forwarded.

A card number is a run of 13-19 digits, written plain or in groups separated by a single space
or dash, that passes the Luhn check. Only the last four digits survive:
``4111 1111 1111 1111`` -> ``**** **** **** 1111``. Phone numbers and order numbers rarely pass
both the length and the Luhn check, and the few that would are better masked than leaked.
"""

from __future__ import annotations

import ipaddress
import re

MIN_DIGITS = 13
MAX_DIGITS = 19

# Digit groups joined by at most one space or dash; bounded by non-digits on both sides.
_DIGIT_RUN = re.compile(r"(?<![\d])\d+(?:[ -]\d+)*(?![\d])")
_GROUP = re.compile(r"\d+")


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check every payment card number satisfies."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def masked(digits: str) -> str:
    return f"**** **** **** {digits[-4:]}"


def mask_card_numbers(text: str) -> str:
    """``text`` with every Luhn-valid 13-19 digit card number masked, keeping its last 4 digits."""
    return _DIGIT_RUN.sub(_mask_run, text)


def contains_card_number(text: str) -> bool:
    return mask_card_numbers(text) != text


def _mask_run(match: re.Match[str]) -> str:
    run = match.group(0)
    groups = [(g.start(), g.end()) for g in _GROUP.finditer(run)]
    # A card may sit between other numbers ("order 1234 4111 1111 1111 1111"): try windows of
    # whole groups, leftmost first, longest first, so no digit group is ever split.
    pieces: list[str] = []
    cursor = 0
    first = 0
    while first < len(groups):
        window = _card_window(run, groups, first)
        if window is None:
            first += 1
            continue
        last = window
        start, end = groups[first][0], groups[last][1]
        pieces.append(run[cursor:start])
        pieces.append(masked(_digits(run[start:end])))
        cursor = end
        first = last + 1
    pieces.append(run[cursor:])
    return "".join(pieces)


def _card_window(run: str, groups: list[tuple[int, int]], first: int) -> int | None:
    """The last group of the longest card number starting at group ``first``, if any."""
    best: int | None = None
    count = 0
    for last in range(first, len(groups)):
        count += groups[last][1] - groups[last][0]
        if count > MAX_DIGITS:
            break
        if count >= MIN_DIGITS and luhn_valid(_digits(run[groups[first][0] : groups[last][1]])):
            best = last
    return best


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def mask_ip(address: str | None) -> str | None:
    """Keep the network, drop the host: ``203.0.113.42`` -> ``203.0.113.0``; IPv6 keeps a /48."""
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    prefix = 24 if parsed.version == 4 else 48
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False).network_address)
