"""Materials of sessions, a file's bytes kept in the row (implements core's ``MaterialRepo``)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from ...core.domain.model import Material, MaterialType
from .. import clock
from ..schema import material_table, person_table

if TYPE_CHECKING:
    from .lookup import Lookup

_LISTED = [c for c in material_table.c if c.key != "content"]


class SqlMaterials:
    def __init__(self, db: Connection, lookup: Lookup) -> None:
        self.db = db
        self.lookup = lookup

    def _values(self, material: Material) -> dict[str, Any]:
        uploader = material.uploaded_by
        return {"name": material.name, "location": material.location,
                "type": material.type.value, "size": material.size,
                "media_type": material.media_type, "description": material.description,
                "uploaded_by_id": self.lookup.person_id(uploader) if uploader else None}

    def add(self, material: Material, content: bytes | None) -> Material:
        now = clock.now()
        new_id = self.db.execute(insert(material_table).returning(material_table.c.id), {
            **self._values(material), "session_id": material.session_id,
            "course_id": material.course_id, "uploaded_at": now,
            "content": content}).scalar_one()
        return replace(material, id=new_id, uploaded_at=now)

    def get(self, material_id: int) -> Material | None:
        m = self.db.execute(
            select(*_LISTED, person_table.c.email.label("uploader"))
            .outerjoin(person_table, person_table.c.id == material_table.c.uploaded_by_id)
            .where(material_table.c.id == material_id)).first()
        if m is None:
            return None
        return Material(id=m.id, name=m.name, location=m.location, type=MaterialType(m.type),
                        size=m.size, session_id=m.session_id, course_id=m.course_id,
                        uploaded_by=m.uploader, description=m.description,
                        uploaded_at=m.uploaded_at, media_type=m.media_type)

    def content(self, material_id: int) -> bytes | None:
        found = self.db.execute(select(material_table.c.content)
                                .where(material_table.c.id == material_id)).scalar_one_or_none()
        return None if found is None else bytes(found)

    def replace(self, material: Material, content: bytes) -> None:
        self.db.execute(update(material_table).where(material_table.c.id == material.id).values(
            **self._values(material), uploaded_at=clock.now(), content=content))

    def remove(self, material_id: int) -> None:
        self.db.execute(delete(material_table).where(material_table.c.id == material_id))
