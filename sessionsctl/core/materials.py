"""Materials of a session: a file kept inside the database (its type read from its content,
its size held to the centre's limit, its name never used as a path) or a URL. Who may add,
replace or remove one is who may add notes to the session; who may read one, who sees it.

Added with the scope ``all`` (or ``following``) to an occurrence of a series, a material goes
on every scheduled occurrence of it once: one row each (the table keeps a file's content with
its session), none where the same material is already attached, so adding again adds nothing."""

from __future__ import annotations

import mimetypes
from dataclasses import replace
from typing import TYPE_CHECKING

from .access import Action, require
from .domain.errors import InvalidInput, NotFound
from .domain.model import Material, MaterialType, Session, SessionStatus
from .domain.serialize import record
from .schedule.sessions import get_session

if TYPE_CHECKING:
    from .context import Context
    from .storage import UnitOfWork

DEFAULT_LIMIT = 25 * 1024 * 1024
# Programs are not course material: refused whatever they are called.
_REFUSED = ("application/x-executable", "application/x-msdownload", "application/x-mach-binary",
            "application/x-elf", "application/vnd.microsoft.portable-executable",
            "application/x-sharedlib", "application/x-dosexec")
_KIND = (("application/pdf", MaterialType.DOCUMENT), ("text/", MaterialType.DOCUMENT),
         ("application/msword", MaterialType.DOCUMENT),
         ("application/vnd.openxmlformats-officedocument.wordprocessingml",
          MaterialType.DOCUMENT),
         ("application/vnd.openxmlformats-officedocument.presentationml", MaterialType.SLIDES),
         ("application/vnd.ms-powerpoint", MaterialType.SLIDES), ("video/", MaterialType.VIDEO))


def media_type(content: bytes, name: str) -> str:
    """The content's media type: by its signature (the ``filetype`` library), else plain text
    if it reads as UTF-8, else unknown bytes. A name whose extension promises another type
    than the content is refused, and so is a program."""
    import filetype  # type: ignore[import-untyped]

    found: str | None = filetype.guess_mime(content)
    if found is None:
        try:
            content.decode("utf-8")
            found = "text/plain"
        except UnicodeDecodeError:
            found = "application/octet-stream"
    if found in _REFUSED or content[:4] == b"\x7fELF" or content[:2] == b"MZ":
        raise InvalidInput(f"{name} is a program ({found}), not course material", field="file")
    claimed, _ = mimetypes.guess_type(name)
    if claimed and not _agrees(claimed, found):
        raise InvalidInput(f"{name} is not what its name says ({claimed}): its content is "
                           f"{found}", field="file")
    return found


def _agrees(claimed: str, found: str) -> bool:
    if claimed == found:
        return True
    if found == "text/plain":  # csv, markdown, source: text whatever the extension says
        return claimed.startswith("text/") or claimed in ("application/json", "application/xml")
    if found == "application/zip":  # office files are zip files inside
        return "officedocument" in claimed or "opendocument" in claimed or claimed.endswith("zip")
    return claimed.split("/")[0] == found.split("/")[0] and claimed.split("/")[0] != "application"


def kind_of(found: str) -> MaterialType:
    return next((k for prefix, k in _KIND if found.startswith(prefix)), MaterialType.OTHER)


def file_name(name: str) -> str:
    """The last part of ``name``, with no path: how the file is known, never where it goes."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base or base in (".", ".."):
        raise InvalidInput(f"{name!r} is not a file name", field="file")
    return base[:300]


class Materials:
    def __init__(self, ctx: Context, limit: int = DEFAULT_LIMIT) -> None:
        self.ctx = ctx
        self.limit = limit

    def _check_size(self, content: bytes, name: str) -> None:
        if len(content) > self.limit:
            raise InvalidInput(f"{name} is {len(content):,} bytes: over the limit of "
                               f"{self.limit:,} bytes", field="file")

    def add_file(self, session_id: int, name: str, content: bytes,
                 description: str | None = None) -> Material:
        return self.add_file_to(session_id, name, content, description)[0]

    def add_file_to(self, session_id: int, name: str, content: bytes,
                    description: str | None = None, scope: str = "this") -> list[Material]:
        """Attach a file to the session (or, by ``scope``, to its series' scheduled
        occurrences): the materials added, none for a session that has it already."""
        name = file_name(name)
        self._check_size(content, name)
        found = media_type(content, name)
        return self._add(session_id, Material(
            0, name, name, kind_of(found), len(content), session_id, media_type=found,
            description=description), content, scope)

    def add_link(self, session_id: int, url: str, description: str | None = None) -> Material:
        return self.add_link_to(session_id, url, description)[0]

    def add_link_to(self, session_id: int, url: str, description: str | None = None,
                    scope: str = "this") -> list[Material]:
        if not url.startswith(("http://", "https://")) or len(url) > 2000:
            raise InvalidInput(f"{url!r} is not an http or https URL", field="url")
        return self._add(session_id, Material(0, url.rsplit("/", 1)[-1] or url, url,
                                              MaterialType.LINK, None, session_id,
                                              description=description), None, scope)

    def _add(self, session_id: int, material: Material, content: bytes | None,
             scope: str = "this") -> list[Material]:
        if scope not in ("this", "following", "all"):
            raise InvalidInput(f"{scope!r} is not this, following or all", field="scope")
        with self.ctx.write() as uow:
            session = get_session(uow, session_id, Action.VIEW_SESSION)
            targets = [session] if scope == "this" else _occurrences(uow, session, scope)
            actor = uow.actor.email if uow.actor else None
            added: list[Material] = []
            for target in targets:
                require(uow.actor, Action.NOTE_SESSION, session=target)
                if scope != "this" and _attached(uow, target.id, material, content):
                    continue
                made = uow.materials.add(
                    _uploaded(replace(material, session_id=target.id), actor), content)
                uow.audit.record("material", "session", target.id, None, record(made))
                added.append(made)
            return added

    def listed(self, session_id: int) -> list[Material]:
        with self.ctx.read() as uow:
            get_session(uow, session_id, Action.VIEW_SESSION)
            return uow.attendance.materials(session_id)

    def _material(self, uow: UnitOfWork, material_id: int, action: Action) -> Material:
        found = uow.materials.get(material_id)
        if found is None or found.session_id is None:
            raise NotFound("material", material_id)
        session = get_session(uow, found.session_id, Action.VIEW_SESSION)
        require(uow.actor, action, session=session)
        return found

    def get(self, material_id: int) -> tuple[Material, bytes | None]:
        """The material and its file (None for a URL)."""
        with self.ctx.read() as uow:
            found = self._material(uow, material_id, Action.VIEW_SESSION)
            return found, uow.materials.content(material_id)

    def replace(self, material_id: int, name: str, content: bytes) -> Material:
        name = file_name(name)
        self._check_size(content, name)
        found_type = media_type(content, name)
        with self.ctx.write() as uow:
            before = self._material(uow, material_id, Action.NOTE_SESSION)
            actor = uow.actor.email if uow.actor else None
            after = Material(before.id, name, name, kind_of(found_type), len(content),
                             before.session_id, before.course_id, actor, before.description,
                             media_type=found_type)
            uow.materials.replace(after, content)
            uow.audit.record("material", "session", before.session_id, record(before),
                             record(after))
            return after

    def remove(self, material_id: int) -> Material:
        with self.ctx.write() as uow:
            before = self._material(uow, material_id, Action.NOTE_SESSION)
            uow.materials.remove(material_id)
            uow.audit.record("material", "session", before.session_id, record(before), None)
            return before


def _occurrences(uow: UnitOfWork, session: Session, scope: str) -> list[Session]:
    """The session and the scheduled occurrences of its series ``scope`` reaches (``all``:
    every part a split made of it), in start order."""
    if session.series_id is None:
        return [session]
    series = uow.series.get(session.series_id)
    parts = uow.series.parts(series) if series is not None and scope == "all" else []
    found = uow.sessions.of_series([p.id for p in parts] or [session.series_id])
    return sorted([s for s in found if s.id == session.id or (
        s.status is SessionStatus.SCHEDULED
        and (scope == "all" or s.start >= session.start))], key=lambda s: (s.start, s.id))


def _attached(uow: UnitOfWork, session_id: int, material: Material,
              content: bytes | None) -> bool:
    """Whether the session has this material already (the same URL, or a file of the same
    name and content)."""
    return any(m.type is material.type and m.location == material.location
               and m.size == material.size
               and (content is None or uow.materials.content(m.id) == content)
               for m in uow.attendance.materials(session_id))


def _uploaded(material: Material, actor: str | None) -> Material:
    return replace(material, uploaded_by=actor)
