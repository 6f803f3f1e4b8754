"""The demo centre's people: mentors with their subjects, students with their years and zones."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core.domain.model import Role
from .data import (
    BANDS,
    DOMAIN,
    FIRST_NAMES,
    INTEREST,
    REMOTE_ZONES,
    SPECIALISMS,
    STUDENTS,
    SUBJECTS,
    SURNAMES,
    YEAR_WEIGHTS,
)

if TYPE_CHECKING:
    pass

@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str
    role: Role
    tz: str


@dataclass(slots=True)
class Student:
    name: str
    email: str
    year: int
    subjects: tuple[str, ...]
    tz: str
    remote: bool
    load: int = 0  # weekly lessons so far

    @property
    def band(self) -> str:
        return next(b for b, years in BANDS.items() if self.year in years)


@dataclass(frozen=True, slots=True)
class Mentor:
    name: str
    email: str
    subject: str


def ascii(text: str) -> str:
    text = text.replace("Ł", "L").replace("ł", "l")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c == "-")


def random_names(rng: random.Random, count: int) -> list[str]:
    pairs = [f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES]
    return rng.sample(pairs, count)


def email(name: str, used: set[str]) -> str:
    first, _, last = name.partition(" ")
    local = f"{ascii(first)}.{ascii(last)}"
    candidate, n = local, 1
    while candidate in used:
        n += 1
        candidate = f"{local}{n}"
    used.add(candidate)
    return f"{candidate}@{DOMAIN}"


def online_meeting(rng: random.Random, slug: str) -> tuple[str, str, str]:
    meeting = f"{rng.randint(100, 999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    passcode = "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(6))
    return f"https://meet.{DOMAIN}/{slug}", meeting, passcode


def slug(text: str) -> str:
    return "-".join(filter(None, (ascii(w) for w in text.split())))[:60]


def people(rng: random.Random, tz: str) -> tuple[list[Person], list[Mentor], list[Student]]:
    names = random_names(rng, 3 + len(SPECIALISMS) + STUDENTS)
    used: set[str] = set()
    staff = [Person(names[0], email(names[0], used), Role.ADMIN, tz)]
    staff += [Person(n, email(n, used), Role.STAFF, tz) for n in names[1:3]]
    specialisms = list(SPECIALISMS)
    rng.shuffle(specialisms)
    mentors = [Mentor(n, email(n, used), s) for n, s in zip(names[3:], specialisms)]
    remote = [z for z in REMOTE_ZONES if z != tz][:3]
    students: list[Student] = []
    for i, name in enumerate(names[3 + len(mentors):]):
        year = rng.choices(list(YEAR_WEIGHTS), weights=list(YEAR_WEIGHTS.values()))[0]
        subjects = tuple(s for s in SUBJECTS if rng.random() < INTEREST[s]) or ("Mathematics",)
        if year <= 9:  # younger students come for one or two subjects
            subjects = subjects[:2]
        zone_name = remote[i // 33] if i % 33 == 32 else tz  # three remote students
        students.append(Student(name, email(name, used), year, subjects, zone_name,
                                 zone_name != tz))
    return staff, mentors, students
