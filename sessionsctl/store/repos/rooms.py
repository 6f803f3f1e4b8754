"""Rooms (implements core's ``RoomRepo``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ...core.domain.model import Room
from ..schema import room_table

if TYPE_CHECKING:
    from .lookup import Lookup

COLUMNS = (room_table.c.id, room_table.c.name, room_table.c.capacity, room_table.c.active)


class SqlRooms:
    def __init__(self, db: Connection, lookup: Lookup) -> None:
        self.db = db
        self.lookup = lookup

    def get(self, name: str) -> Room | None:
        row = self.db.execute(select(*COLUMNS).where(room_table.c.name == name)).first()
        if row is None:
            return None
        self.lookup.remember(room_table, name, row.id)
        return Room(row.id, row.name, row.capacity, row.active)

    def add(self, name: str, capacity: int | None) -> Room:
        new_id = self.db.execute(insert(room_table).returning(room_table.c.id),
                                 {"name": name, "capacity": capacity}).scalar_one()
        return Room(new_id, name, capacity)

    def all(self) -> list[Room]:
        rows = self.db.execute(select(*COLUMNS).order_by(room_table.c.name))
        return [Room(r.id, r.name, r.capacity, r.active) for r in rows]

    def change(self, room: Room) -> None:
        self.db.execute(update(room_table).where(room_table.c.id == room.id).values(
            name=room.name, capacity=room.capacity, active=room.active))
        self.lookup.forget(room_table)
