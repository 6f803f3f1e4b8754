"""Settings: defaults, then the TOML config file, then environment, then flags (decision 7)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .core.billing.policy import BillingPolicy
from .core.domain.errors import InvalidInput

ENV_PREFIX = "SESSIONSCTL_"


def config_path() -> Path:
    """The config file: $SESSIONSCTL_CONFIG, or config.toml in the user's config directory."""
    if explicit := os.environ.get(f"{ENV_PREFIX}CONFIG"):
        return Path(explicit).expanduser()
    from platformdirs import user_config_path

    return user_config_path("sessionsctl") / "config.toml"


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None = None
    port: int | None = None
    security: str = "starttls"  # none | starttls | tls
    user: str | None = None
    sender: str | None = None
    password_file: str | None = None


@dataclass(frozen=True)
class Settings:
    db: str | None = None  # None: the SQLite file in the user's data directory
    user: str | None = None  # the acting person's email
    tz: str | None = None  # None: the system's zone
    templates: str | None = None  # a folder whose templates override ours file by file
    invite_url: str | None = None  # the page an invitation mail links to, with ?token=...
    jitsi_url: str | None = None  # a centre's own Jitsi server (None: the public one)
    late_grace: int | None = None  # minutes after the start a student joining is late (10)
    unmarked: str | None = None  # absent | leave: students unmarked when a session completes
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    billing: BillingPolicy = field(default_factory=BillingPolicy)
    # [centre]: name (invoices, and what generated meeting rooms begin with), address... (invoices)
    centre: dict[str, str] = field(default_factory=dict)
    material_limit: int | None = None  # [materials] max_size_mb, in bytes (None: 25 MB)
    feedback_categories: tuple[str, ...] = ()  # [feedback] categories (none: any is taken)
    source: str | None = None  # the config file read, if any


def _read_file(path: Path) -> dict[str, Any]:
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        return {}
    import tomllib  # only when there is a file to read

    with fh:
        try:
            return tomllib.load(fh)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read config file: {exc}", field=str(path)) from None


# What each setting of the config file must be (TOML types); a value of another type is
# refused, naming the setting, rather than failing later as a Python error.
_FILE_TYPES: dict[str, tuple[type, ...]] = {
    "db": (str,), "user": (str,), "tz": (str,), "templates": (str,), "invite_url": (str,),
    "jitsi_url": (str,), "late_grace": (int, str), "unmarked": (str,),
}
_SMTP_TYPES: dict[str, tuple[type, ...]] = {
    "host": (str,), "port": (int, str), "security": (str,), "user": (str,), "from": (str,),
    "password_file": (str,),
}
# Settings that must never be in the file, and where they go instead.
_SMTP_REFUSED = {
    "password": "the SMTP password is not read from the config file: put it in "
                f"{ENV_PREFIX}SMTP_PASSWORD, or in a file readable by you alone (chmod 600) "
                "named by password_file",
}
SMTP_SECURITY = ("none", "starttls", "tls")
_BILLING_TYPES: dict[str, tuple[type, ...]] = {"currency": (str,), "late_cancel": (str,)}
_MATERIAL_TYPES: dict[str, tuple[type, ...]] = {"max_size_mb": (int,)}
_FEEDBACK_TYPES: dict[str, tuple[type, ...]] = {"categories": (list,)}
_CENTRE_TYPES: dict[str, tuple[type, ...]] = dict.fromkeys(
    ("name", "address", "email", "phone", "website", "tax_id", "payment_details"), (str,))


def _check_types(table: dict[str, Any], types: dict[str, tuple[type, ...]], prefix: str) -> None:
    for key, allowed in types.items():
        value = table.get(key)
        if value is None:
            continue
        # TOML's true/false are bool, which Python counts as int: never a port, nor a name.
        if isinstance(value, bool) or not isinstance(value, allowed):
            kind = "a number" if int in allowed else "a string"
            raise InvalidInput(f"must be {kind} in the config file, not {value!r}",
                               field=f"{prefix}{key}")


def _check_known(table: dict[str, Any], known: Iterable[str], path: Path, prefix: str) -> None:
    """Refuse a setting the program does not know (a typo would otherwise be ignored),
    suggesting the nearest known one."""
    known = list(known)
    unknown = sorted(set(table) - set(known))
    if unknown:
        import difflib

        near = difflib.get_close_matches(unknown[0], known, n=1)
        hint = f"did you mean {prefix}{near[0]}? " if near else ""
        raise InvalidInput(f"unknown setting in {path} ({hint}known: {', '.join(known)})",
                           field=f"{prefix}{unknown[0]}")


def _check_file(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """The file's values checked for type; returns its [smtp] table."""
    _check_known(data, [*_FILE_TYPES, "smtp", "billing", "centre", "materials", "feedback"],
                 path, "")
    _check_types(data, _FILE_TYPES, "")
    for name, types in (("billing", _BILLING_TYPES), ("centre", _CENTRE_TYPES),
                        ("materials", _MATERIAL_TYPES), ("feedback", _FEEDBACK_TYPES)):
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise InvalidInput(f"[{name}] must be a table", field=str(path))
        _check_known(table, types, path, f"{name}.")
        _check_types(table, types, f"{name}.")
    smtp_data = data.get("smtp", {})
    if not isinstance(smtp_data, dict):
        raise InvalidInput("[smtp] must be a table", field=str(path))
    for key, why in _SMTP_REFUSED.items():
        if key in smtp_data:
            raise InvalidInput(f"{why} (in {path})", field=f"smtp.{key}")
    _check_known(smtp_data, _SMTP_TYPES, path, "smtp.")
    _check_types(smtp_data, _SMTP_TYPES, "smtp.")
    return smtp_data


def _port(value: Any, source: str) -> int | None:
    """An SMTP port, 1 to 65535 (None: the default of the security mode)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isdecimal() or not 1 <= int(text) <= 65535:
        raise InvalidInput(f"must be a port number from 1 to 65535, not {value!r} "
                           f"(from {source})", field="smtp.port")
    return int(text)


def _minutes(value: Any, key: str) -> int | None:
    """A whole number of minutes, 0 to 1440 (None: the default)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isdecimal() or int(text) > 1440:
        raise InvalidInput(f"must be a whole number of minutes (0 to 1440), not {value!r}",
                           field=key)
    return int(text)


def _unmarked(value: Any) -> str | None:
    """What completing a session does to its unmarked students: absent or leave."""
    if value in (None, ""):
        return None
    from .core.completion import check_unmarked

    return check_unmarked(str(value).strip())


def load(**flags: Any) -> Settings:
    """The settings in force: file < environment < the flags given (None means not given)."""
    path = config_path()
    data = _read_file(path)
    smtp_data = _check_file(data, path)
    env = os.environ

    def pick(key: str, table: dict[str, Any] = data, env_key: str | None = None) -> Any:
        value = env.get(f"{ENV_PREFIX}{env_key or key.upper()}")
        return value if value not in (None, "") else table.get(key)

    env_port = env.get(f"{ENV_PREFIX}SMTP_PORT")
    port = _port(env_port, f"{ENV_PREFIX}SMTP_PORT") if env_port not in (None, "") \
        else _port(smtp_data.get("port"), str(path))
    security = pick("security", smtp_data, "SMTP_SECURITY") or "starttls"
    if security not in SMTP_SECURITY:
        raise InvalidInput(f"must be one of {', '.join(SMTP_SECURITY)}, not {security!r}",
                           field="smtp.security")
    settings = Settings(
        db=pick("db"), user=pick("user"), tz=pick("tz"), templates=pick("templates"),
        invite_url=pick("invite_url"), jitsi_url=pick("jitsi_url"),
        late_grace=_minutes(pick("late_grace"), "late_grace"),
        unmarked=_unmarked(pick("unmarked")),
        smtp=SmtpSettings(
            host=pick("host", smtp_data, "SMTP_HOST"), port=port,
            security=security,
            user=pick("user", smtp_data, "SMTP_USER"),
            sender=pick("from", smtp_data, "SMTP_FROM"),
            password_file=pick("password_file", smtp_data, "SMTP_PASSWORD_FILE"),
        ),
        billing=_billing(data.get("billing", {}), env),
        # [centre] name is also what generated meeting rooms begin with (env SESSIONSCTL_CENTRE)
        centre={**data.get("centre", {}), **({"name": env[f"{ENV_PREFIX}CENTRE"]}
                                              if env.get(f"{ENV_PREFIX}CENTRE") else {})},
        material_limit=_material_limit(data.get("materials", {}).get("max_size_mb")),
        feedback_categories=_categories(data.get("feedback", {}).get("categories", [])),
        source=str(path) if data else None,
    )
    return replace(settings, **{k: v for k, v in flags.items() if v is not None})


def _billing(table: dict[str, Any], env: Any) -> BillingPolicy:
    """``[billing]``: the currency (or $SESSIONSCTL_CURRENCY) and the notice a student must
    give to cancel without charge (``late_cancel``, e.g. 24h)."""
    policy = BillingPolicy()
    currency = env.get(f"{ENV_PREFIX}CURRENCY") or table.get("currency")
    late = table.get("late_cancel")
    if not (currency or late):
        return policy
    from .core.billing.money import check_currency
    from .core.mail.notices import parse_duration

    return BillingPolicy(
        currency=check_currency(currency, field="billing.currency") if currency
        else policy.currency,
        late_cancel=parse_duration(late, field="billing.late_cancel") if late
        else policy.late_cancel)


def _material_limit(megabytes: int | None) -> int | None:
    """``[materials] max_size_mb`` as bytes (None: the default)."""
    if megabytes is None:
        return None
    if not 1 <= megabytes <= 1024:
        raise InvalidInput(f"must be from 1 to 1024 (megabytes), not {megabytes}",
                           field="materials.max_size_mb")
    return megabytes * 1024 * 1024


def _categories(values: list[Any]) -> tuple[str, ...]:
    """``[feedback] categories``: names, each once."""
    if not all(isinstance(v, str) and v.strip() for v in values):
        raise InvalidInput("must be a list of names, e.g. [\"clarity\", \"punctuality\"]",
                           field="feedback.categories")
    return tuple(dict.fromkeys(v.strip() for v in values))
