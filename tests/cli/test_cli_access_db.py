"""`access sync`: PostgreSQL itself enforces who sees what. Checked with raw SQL over a
connection as each person's own login role, and through the program run as them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from .conftest import Run, book_args

FUTURE = "2030-12-03 16:00"


class Centre:
    """A centre in a schema of its own, with a login role for each person bound."""

    def __init__(self, run: Run, url: str) -> None:
        self.run = run
        self.url = url
        self.logins: list[str] = []
        self.admin = create_engine(make_url(url).set(query={}))

    def person(self, name: str, email: str, role: str) -> str:
        """Add a person bound to a new login role; returns the role's URL."""
        login = f"sc_{role}_{uuid.uuid4().hex[:8]}"
        self.run.ok("person", "add", "--name", name, "--email", email, "--role", role,
                    db=self.url)
        self.run.ok("person", "edit", email, "--login", login, db=self.url)
        self.logins.append(login)
        return make_url(self.url).set(username=login).render_as_string(hide_password=False)

    def drop(self) -> None:
        with self.admin.begin() as conn:
            for login in self.logins:
                if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                                {"n": login}).first():
                    conn.execute(text(f'DROP OWNED BY "{login}"'))
                    conn.execute(text(f'DROP ROLE "{login}"'))
        self.admin.dispose()


@pytest.fixture
def centre(backend: str, run: Run, fresh_url: str) -> Iterator[Centre]:
    if backend != "postgresql":
        pytest.skip("roles and row-level security are PostgreSQL's")
    made = Centre(run, fresh_url)
    try:
        yield made
    finally:
        made.drop()


def rows(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def test_each_role_sees_only_its_rows_in_raw_sql(centre: Centre) -> None:
    run, url = centre.run, centre.url
    ada = centre.person("Ada Byron", "ada@example.org", "mentor")
    centre.person("Bob Stone", "bob@example.org", "mentor")
    sam = centre.person("Sam Lee", "sam@example.org", "student")
    centre.person("Kim Park", "kim@example.org", "student")
    desk = centre.person("Dee Desk", "desk@example.org", "staff")
    run.ok("room", "add", "Hall", "--capacity", "30", db=url)
    mine = run.json(*book_args(FUTURE, students=["sam@example.org", "kim@example.org"],
                               extra=["--passcode", "s3cret", "--cost", "35.00",
                                      "--notes", "staff only"]), db=url)
    bobs = run.json(*book_args("2030-12-04 16:00", mentor="bob@example.org",
                               students=["kim@example.org"]), db=url)
    run.ok("attendance", "mark", str(mine["id"]), "kim@example.org", "present", "--force",
           db=url)
    synced = run.json("access", "sync", db=url)
    assert {(s["email"], s["group"]) for s in synced} >= {
        ("ada@example.org", "sessionsctl_mentor"), ("sam@example.org", "sessionsctl_student"),
        ("desk@example.org", "sessionsctl_staff")}
    run.json("access", "sync", db=url)  # again: nothing changes, nothing fails

    assert rows(ada, "SELECT id FROM sessions ORDER BY id") == [(mine["id"],)]
    assert rows(sam, "SELECT id FROM sessions ORDER BY id") == [(mine["id"],)]
    assert rows(desk, "SELECT id FROM sessions ORDER BY id") == [(mine["id"],), (bobs["id"],)]
    # students: no classmates, no other students, no one else's marks
    assert rows(sam, "SELECT email FROM people WHERE role = 'student'") == [("sam@example.org",)]
    assert rows(sam, "SELECT count(*) FROM session_students") == [(1,)]
    assert rows(sam, "SELECT count(*) FROM attendance") == [(0,)]
    assert rows(ada, "SELECT count(*) FROM attendance") == [(1,)]
    # private columns: a student's role may not select them; the function hands its own over
    with pytest.raises(ProgrammingError, match="permission denied"):
        rows(sam, "SELECT cost FROM sessions")
    with pytest.raises(ProgrammingError, match="permission denied"):
        rows(sam, "SELECT notes FROM sessions")
    assert rows(sam, "SELECT meeting_passcode, cost_hundredths FROM sessionsctl_private(:i)",
                i=mine["id"]) == [("s3cret", 3500)]
    # rates are the staff's: mentors and students read none of them
    run.ok("rate", "set", "22.50", "--mentor", "ada@example.org", db=url)
    assert rows(desk, "SELECT amount FROM rates") == [(2250,)]
    assert rows(ada, "SELECT count(*) FROM rates") == rows(sam, "SELECT count(*) FROM rates") \
        == [(0,)]
    # materials follow their session: Bob's is seen by staff alone
    for sid in (mine["id"], bobs["id"]):
        run.ok("material", "add", str(sid), f"https://example.org/{sid}", db=url)
    assert rows(sam, "SELECT session_id FROM materials") == [(mine["id"],)]
    assert rows(ada, "SELECT session_id FROM materials") == [(mine["id"],)]
    assert rows(desk, "SELECT count(*) FROM materials") == [(2,)]
    assert rows(sam, "SELECT * FROM sessionsctl_private(:i)", i=bobs["id"]) == []
    # a mentor cannot change another mentor's session, nor hand their own to another
    assert rows(ada, "UPDATE sessions SET title = 'x' WHERE id = :i RETURNING id",
                i=bobs["id"]) == []
    with pytest.raises(ProgrammingError, match="row-level security"):
        rows(ada, "UPDATE sessions SET mentor_id = (SELECT id FROM people WHERE email = "
                  "'bob@example.org') WHERE id = :i", i=mine["id"])

def test_the_program_run_as_each_login_applies_the_same_rule(centre: Centre) -> None:
    run, url = centre.run, centre.url
    ada = centre.person("Ada Byron", "ada@example.org", "mentor")
    sam = centre.person("Sam Lee", "sam@example.org", "student")
    centre.person("Kim Park", "kim@example.org", "student")
    # the admin is the owner's login: once an admin is bound, an unbound login only reads
    owner = rows(url, "SELECT current_user")[0][0]
    run.ok("person", "add", "--name", "Al Admin", "--email", "al@example.org", "--role",
           "admin", db=url)
    run.ok("person", "edit", "al@example.org", "--login", owner, db=url)
    mine = run.json(*book_args(FUTURE, students=["sam@example.org", "kim@example.org"],
                               extra=["--passcode", "s3cret", "--notes", "staff only"]),
                    db=url)
    other = run.json(*book_args("2030-12-05 16:00", students=["kim@example.org"]), db=url)
    run.ok("access", "sync", db=url)
    listed = run.json("session", "list", "--all", db=sam)
    assert [s["id"] for s in listed] == [mine["id"]]
    shown = run.json("session", "show", str(mine["id"]), db=sam)
    assert shown["students"] == ["sam@example.org"] and shown.get("notes") is None
    assert shown["passcode"] == "s3cret"
    run.fails(4, "session", "show", str(other["id"]), db=sam)
    assert [s["id"] for s in run.json("session", "list", "--all", "--search", "staff",
                                      db=sam)] == []
    assert {s["id"] for s in run.json("session", "list", "--all", db=ada)} == {
        mine["id"], other["id"]}
    run.fails(5, *book_args("2030-12-06 16:00"), db=sam)
    shown = run.json("access", "show", db=url)
    assert {(s["login"] or "")[:10] for s in shown} >= {"sc_mentor_", "sc_student"}


def test_a_student_sees_their_active_enrolments_sessions_without_their_private_parts(
        centre: Centre) -> None:
    run, url = centre.run, centre.url
    centre.person("Ada Byron", "ada@example.org", "mentor")
    sam = centre.person("Sam Lee", "sam@example.org", "student")
    run.ok("person", "add", "--name", "Kim Park", "--email", "kim@example.org", "--role",
           "student", db=url)
    run.ok("course", "add", "Algebra", db=url)
    run.ok("course", "batch", "Algebra", "Autumn", db=url)
    run.ok("course", "batch", "Algebra", "Spring", db=url)
    autumn = run.json(*book_args(FUTURE, students=["kim@example.org"],
                                 extra=["--passcode", "s3cret", "--notes", "staff only"]),
                      db=url)
    spring = run.json(*book_args("2030-12-04 16:00"), db=url)
    run.ok("course", "assign", "Algebra", "Autumn", str(autumn["id"]), db=url)
    run.ok("course", "assign", "Algebra", "Spring", str(spring["id"]), db=url)
    run.ok("course", "enrol", "Algebra", "sam@example.org", "--batch", "Autumn", db=url)
    run.ok("access", "sync", db=url)
    assert rows(sam, "SELECT id FROM sessions") == [(autumn["id"],)]  # not Spring's
    assert rows(sam, "SELECT count(*) FROM session_students") == [(0,)]  # not Kim
    assert rows(sam, "SELECT * FROM sessionsctl_private(:i)", i=autumn["id"]) == []
    shown = run.json("session", "show", str(autumn["id"]), db=sam)
    assert (shown["students"], shown.get("passcode"), shown.get("notes")) == ([], None, None)
    run.ok("course", "enrol", "Algebra", "sam@example.org", "--status", "paused", db=url)
    assert rows(sam, "SELECT id FROM sessions") == []


def test_access_sync_is_postgresqls(backend: str, run: Run) -> None:
    if backend == "postgresql":
        pytest.skip("on SQLite only")
    result = run.fails(2, "access", "sync")
    assert "PostgreSQL's" in result.stderr
    assert run.json("access", "show") == []
