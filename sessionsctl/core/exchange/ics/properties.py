"""The values of single properties of a parsed component: text, e-mail addresses, date lists."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def text(component: Any, name: str) -> str | None:
    """The property's text, stripped (the first one if it is repeated); None if empty."""
    value = component.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0]
    found = str(value).strip()
    return found or None


def email(addr: Any) -> str | None:
    """The lower-cased address of a ``mailto:`` value; None if it is no e-mail address."""
    found = str(addr).strip()
    if found.lower().startswith("mailto:"):
        found = found[7:]
    found = found.strip().lower()
    return found if "@" in found else None


def stamps(component: Any, name: str) -> list[tuple[Any, Mapping[str, str]]]:
    """The values of a (possibly repeated, comma-separated) EXDATE/RDATE property."""
    found = component.get(name)
    if found is None:
        return []
    props = found if isinstance(found, list) else [found]
    values: list[tuple[Any, Mapping[str, str]]] = []
    for prop in props:
        for item in getattr(prop, "dts", [prop]):
            params = {**getattr(prop, "params", {}), **getattr(item, "params", {})}
            values.append((item.dt, params))
    return values
