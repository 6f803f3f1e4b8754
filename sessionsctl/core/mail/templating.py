"""Mail templates: Jinja2, sandboxed, with a configured folder overriding ours file by file.

A template ``NAME`` is three files: ``NAME.subject`` (one line), ``NAME.txt`` (the plain-text
part) and ``NAME.html`` (the HTML part, autoescaped). Each is looked up first in the folder set
as ``templates`` in the configuration, then in the templates shipped with sessionsctl, so a
centre can replace only the HTML of the reminder, say.

Templates run in Jinja2's sandbox: a template file can read the values it is given and
call the filters below, not reach into Python. The test ``web_address`` says whether a value
may be written as a link (``<a href>``): only an address of a scheme a session's link may use
(http, https), never ``javascript:``, even if stored before that rule. A missing variable is
an error (it would otherwise print as nothing), reported with the template file and line. So
is anything else that goes wrong in a template (``{{ 1 / 0 }}``, a filter given the wrong
type, a file that is not UTF-8): every failure of loading or rendering comes out as
:class:`InvalidInput` naming the template, the file, the line when known, and the reason,
never as a bare Python error.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from ..domain.errors import InvalidInput
from ..domain.rules import is_web_address
from ..resources import templates_dir
from .message import Rendered

PARTS = ("subject", "txt", "html")


def builtin_dir() -> Path:
    """Our mail templates (see :func:`~sessionsctl.core.resources.templates_dir`)."""
    return templates_dir("reminder.txt")


def _when(value: datetime | None, fmt: str = "%a %-d %b %Y, %H:%M %Z") -> str:
    """A time as people read it, e.g. ``Tue 1 Dec 2026, 16:00 GMT``."""
    return "" if value is None else value.strftime(fmt)


def _hours(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%H:%M")


class Templates:
    """The mail templates in force: ``override`` (a folder) first, then ours."""

    def __init__(self, override: str | Path | None = None, builtin: Path | None = None) -> None:
        self.override = Path(override).expanduser() if override else None
        self._builtin = builtin

    @property
    def folders(self) -> list[Path]:
        builtin = self._builtin or builtin_dir()
        return [self.override, builtin] if self.override else [builtin]

    @cached_property
    def env(self) -> Any:  # jinja2.sandbox.SandboxedEnvironment, imported on first use
        from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        if self.override is not None and not self.override.is_dir():
            raise InvalidInput(f"{self.override} is not a folder", field="templates")
        env = SandboxedEnvironment(
            loader=ChoiceLoader([FileSystemLoader(str(f)) for f in self.folders]),
            autoescape=lambda name: bool(name) and name.endswith(".html"),
            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True, auto_reload=False)
        env.filters["when"] = _when
        env.filters["hours"] = _hours
        env.tests["web_address"] = lambda value: isinstance(value, str) and is_web_address(value)
        return env

    def names(self) -> list[str]:
        """Every template name available (one with at least its plain-text part)."""
        found = {p.name[:-4] for folder in self.folders if folder.is_dir()
                 for p in folder.glob("*.txt") if not p.name.startswith("_")}
        return sorted(found)

    def check(self, name: str) -> None:
        """Refuse an unknown template name, or one with a syntax error, before anything is queued."""
        for part in PARTS:
            self._load(name, part)

    def uses(self, name: str, variable: str) -> bool:
        """Whether any part of ``name`` refers to ``variable`` (for a usage hint; False when
        the template cannot be read)."""
        from jinja2 import meta

        for part in PARTS:
            try:
                source, _, _ = self.env.loader.get_source(self.env, f"{name}.{part}")
                if variable in meta.find_undeclared_variables(self.env.parse(source)):
                    return True
            except Exception:  # noqa: BLE001 - a broken part is reported by render, not here
                continue
        return False

    def _load(self, name: str, part: str) -> Any:
        from jinja2 import TemplateNotFound, TemplateSyntaxError

        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise InvalidInput(f"unknown template {name!r}", field="template")
        try:
            return self.env.get_template(f"{name}.{part}")
        except TemplateNotFound:
            known = ", ".join(self.names())
            raise InvalidInput(f"unknown template {name!r} (no {name}.{part}; known: {known})",
                               field="template") from None
        except TemplateSyntaxError as exc:
            raise InvalidInput(f"{exc.filename or exc.name}, line {exc.lineno}: {exc.message}",
                               field=f"template {name}") from None
        except InvalidInput:
            raise
        except Exception as exc:  # not UTF-8, unreadable, a broken include...: name the file
            raise InvalidInput(f"{name}.{part}: {_reason(exc)}", field=f"template {name}") \
                from None

    def render(self, name: str, context: Mapping[str, Any]) -> Rendered:
        """Render the three parts of ``name``; any error (a Jinja2 one, or any exception a
        template expression raises) is :class:`InvalidInput` naming the file and line."""
        out = {}
        for part in PARTS:
            template = self._load(name, part)
            try:
                out[part] = template.render(context)
            except Exception as exc:  # noqa: BLE001 - a template can raise anything
                line = _error_line(exc, template.filename)
                where = f"{template.filename or f'{name}.{part}'}{f', line {line}' if line else ''}"
                raise InvalidInput(f"{where}: {_reason(exc)}", field=f"template {name}") \
                    from None
        subject = " ".join(out["subject"].split())
        if not subject:
            raise InvalidInput(f"{name}.subject renders an empty subject", field="template")
        return Rendered(name, subject, out["txt"], out["html"])


def _reason(exc: BaseException) -> str:
    """What went wrong, for a person: Jinja2's own message, else the Python error's type and
    message (``ZeroDivisionError: division by zero``)."""
    from jinja2 import TemplateError

    if isinstance(exc, TemplateError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _error_line(exc: BaseException, filename: str | None) -> int | None:
    """The template line a rendering error happened on, from its traceback."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if filename and tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
