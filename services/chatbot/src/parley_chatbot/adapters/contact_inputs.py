"""Checking what visitors type into e-mail and phone steps.

E-mail: ``email-validator`` (the library pydantic uses) checks the syntax and normalises the
domain; deliverability (a DNS look-up) is not checked, a bot must not wait on DNS.
Phone: ``phonenumbers``, Google's libphonenumber metadata kept up to date for every country; a
number is normalised to E.164 when it parses and is possible for its country (the visitor's
country is the default region), otherwise only the text as given is kept, as the spec asks.
"""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from ..domain.session import InputChecks


def normalised_email(text: str) -> str | None:
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return None
    return str(result.normalized)


def normalised_phone(text: str, country: str | None) -> str | None:
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


CONTACT_INPUTS = InputChecks(email=normalised_email, phone=normalised_phone)
