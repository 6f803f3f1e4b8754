"""The config file as settings: none at all gives the defaults; [billing] is read and checked;
a file that is not TOML, or names an unknown setting, is refused naming it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from sessionsctl import config
from sessionsctl.core.billing.policy import BillingPolicy
from sessionsctl.core.domain.errors import InvalidInput


@pytest.fixture
def path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("CURRENCY", "DB", "USER", "TZ", "CENTRE"):
        monkeypatch.delenv(f"SESSIONSCTL_{name}", raising=False)
    found = tmp_path / "config.toml"
    monkeypatch.setenv("SESSIONSCTL_CONFIG", str(found))
    return found


def test_no_file_gives_the_defaults(path: Path) -> None:
    settings = config.load()
    assert settings.billing == BillingPolicy() and settings.source is None


def test_billing_is_read_and_checked(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path.write_text('[billing]\ncurrency = "eur"\nlate_cancel = "2d"\n')
    assert config.load().billing == BillingPolicy("EUR", timedelta(days=2))
    monkeypatch.setenv("SESSIONSCTL_CURRENCY", "usd")
    assert config.load().billing == BillingPolicy("USD", timedelta(days=2))
    monkeypatch.delenv("SESSIONSCTL_CURRENCY")
    path.write_text('[billing]\ncurrency = "euro"\n')
    with pytest.raises(InvalidInput) as caught:
        config.load()
    assert caught.value.field == "billing.currency"


def test_a_file_that_is_not_toml_or_names_an_unknown_setting_is_refused(path: Path) -> None:
    path.write_text("db = \n")
    with pytest.raises(InvalidInput, match="cannot read config file"):
        config.load()
    path.write_text('templtes = "mine"\n')
    with pytest.raises(InvalidInput, match="did you mean templates"):
        config.load()
