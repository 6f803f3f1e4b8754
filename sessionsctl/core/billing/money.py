"""Amounts of money as integer minor units of one currency (pence, cents), never floats:
reading them as people type them and showing them again."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..domain.errors import InvalidInput

# ISO 4217 currencies whose minor unit is not a hundredth; every other has two decimals.
_EXPONENTS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
                     "UGX", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}


def exponent(currency: str) -> int:
    """How many decimals the currency's minor unit has (2 for most)."""
    return _EXPONENTS.get(currency.upper(), 2)


def check_currency(code: str, *, field: str = "currency") -> str:
    """A currency as its three-letter ISO 4217 code, upper-case."""
    text = code.strip().upper()
    if len(text) != 3 or not text.isalpha() or not text.isascii():
        raise InvalidInput(f"must be a three-letter currency code such as GBP, not {code!r}",
                           field=field)
    return text


def parse_amount(text: str, currency: str, *, field: str = "amount") -> int:
    """``35``, ``35.5`` or ``35.50`` in ``currency`` as minor units (3550); refuses a
    negative amount, or more decimals than the currency has."""
    cleaned = text.strip().removeprefix(currency.upper()).strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(f"{text!r} is not an amount (e.g. 35.00)", field=field) from None
    if not value.is_finite() or value < 0:
        raise InvalidInput(f"{text!r} is not an amount of zero or more", field=field)
    return to_minor(value, currency, field=field, shown=text)


def to_minor(value: Decimal, currency: str, *, field: str = "amount",
             shown: str | None = None) -> int:
    """``value`` in ``currency``'s units as minor units, exactly (refused if it is not a
    whole number of them)."""
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        places = exponent(currency)
        raise InvalidInput(f"{shown or value} has more than {places} decimals for {currency}",
                           field=field)
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    """Minor units as an amount in ``currency``'s units, with its decimals (3550 -> 35.50)."""
    return Decimal(minor).scaleb(-exponent(currency))


def show(minor: int, currency: str) -> str:
    """``35.50 GBP``: an amount for people to read."""
    return f"{from_minor(minor, currency)} {currency}"
