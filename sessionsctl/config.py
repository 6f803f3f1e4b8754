"""Settings: defaults, then the TOML config file, then environment, then flags (decision 7)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .core.errors import InvalidInput

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
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    source: str | None = None  # the config file read, if any


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read config file: {exc}", field=str(path)) from None


def load(**flags: Any) -> Settings:
    """The settings in force: file < environment < the flags given (None means not given)."""
    path = config_path()
    data = _read_file(path)
    smtp_data = data.get("smtp", {})
    if not isinstance(smtp_data, dict):
        raise InvalidInput("[smtp] must be a table", field=str(path))
    env = os.environ

    def pick(key: str, table: dict[str, Any] = data, env_key: str | None = None) -> Any:
        value = env.get(f"{ENV_PREFIX}{env_key or key.upper()}")
        return value if value not in (None, "") else table.get(key)

    port = pick("port", smtp_data, "SMTP_PORT")
    try:
        port = int(port) if port not in (None, "") else None
    except ValueError:
        raise InvalidInput(f"SMTP port must be a number, not {port!r}", field="smtp.port") from None
    settings = Settings(
        db=pick("db"), user=pick("user"), tz=pick("tz"), templates=pick("templates"),
        smtp=SmtpSettings(
            host=pick("host", smtp_data, "SMTP_HOST"), port=port,
            security=pick("security", smtp_data, "SMTP_SECURITY") or "starttls",
            user=pick("user", smtp_data, "SMTP_USER"),
            sender=pick("from", smtp_data, "SMTP_FROM"),
            password_file=pick("password_file", smtp_data, "SMTP_PASSWORD_FILE"),
        ),
        source=str(path) if data else None,
    )
    return replace(settings, **{k: v for k, v in flags.items() if v is not None})
