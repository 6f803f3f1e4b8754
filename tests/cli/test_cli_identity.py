"""Who acts is the person bound to the login running the program (the connection's role on
PostgreSQL, the operating-system user on SQLite); `--as` is an admin's alone once an admin is
bound, and what an admin does as someone is audited as "admin as person"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from .conftest import Seeded, book_args

FUTURE = "2030-12-03 16:00"


class Login:
    """The login the tests' runs act as, and the environment that makes it so on SQLite."""

    def __init__(self, name: str, env: dict[str, str | None]) -> None:
        self.name = name
        self.env = env


@pytest.fixture
def login(backend: str, db_url: str) -> Iterator[Login]:
    if backend == "postgresql":
        engine = create_engine(db_url)
        with engine.connect() as conn:
            name = str(conn.execute(text("SELECT current_user")).scalar())
        engine.dispose()
        yield Login(name, {})
    else:
        yield Login("frontdesk", {"LOGNAME": "frontdesk", "USER": "frontdesk"})


def audit_actors(db_url: str) -> list[tuple[str, str | None]]:
    """Who acted in each audit record, and the admin who acted as them (if one did)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [(r[0], r[1]) for r in conn.execute(text(
                "SELECT actor, login FROM audit_log ORDER BY id"))]
    finally:
        engine.dispose()


@pytest.fixture
def admin(seeded: Seeded) -> str:
    seeded.run.ok("person", "add", "--name", "Al Admin", "--email", "al@example.org",
                  "--role", "admin")
    return "al@example.org"


def test_a_bound_admin_acts_as_themselves_and_as_others_audited_as_both(
        seeded: Seeded, admin: str, login: Login, db_url: str) -> None:
    run = seeded.run
    run.ok("person", "edit", admin, "--login", login.name)
    run.ok("room", "add", "Lab", env=login.env)
    seeded.run.json(*book_args(FUTURE), as_=seeded.ada, env=login.env)
    actors = audit_actors(db_url)
    assert actors[-2:] == [(admin, None), (seeded.ada, admin)]


def test_a_bound_mentor_may_not_act_as_another_person(seeded: Seeded, admin: str,
                                                     login: Login) -> None:
    run = seeded.run
    run.ok("person", "edit", seeded.ada, "--login", login.name)
    result = run.fails(5, "session", "list", as_=seeded.bob, env=login.env)
    assert "only an admin may act as another person" in result.stderr
    assert "Ada Byron <ada@example.org>, a mentor" in result.stderr
    run.ok(*book_args(FUTURE), env=login.env)  # as Ada herself: her own session
    assert "not bound" not in run.ok("session", "list", env=login.env).stderr
    refused = run.fails(5, "room", "add", "Lab", env=login.env)
    assert "ada@example.org (mentor) may not add rooms" in refused.stderr


def test_once_an_admin_is_bound_an_unbound_login_only_reads(
        seeded: Seeded, admin: str, login: Login) -> None:
    run = seeded.run
    seeded.book(FUTURE, students=[seeded.sam])
    run.ok("person", "edit", admin, "--login", "someone_else")
    assert run.json("session", "list", "--all", env=login.env) == []
    listed = run.ok("session", "list", "--all", env=login.env)
    assert listed.stdout.strip() == "No sessions."
    assert f"note: your login {login.name!r} is not bound to a person" in listed.stderr
    refused = run.fails(5, *book_args(FUTURE), env=login.env)
    assert f"your login {login.name!r} is not bound to a person" in refused.stderr
    assert f"sessionsctl person edit EMAIL --login {login.name}" in refused.stderr
    assert "only an admin may act" in run.fails(5, "session", "list", as_=admin,
                                                 env=login.env).stderr


def test_while_no_admin_is_bound_the_operator_may_act_as_anyone(
        seeded: Seeded, login: Login) -> None:
    seeded.run.ok("person", "edit", seeded.ada, "--login", "ada_login")  # a mentor: no admin
    assert seeded.run.json("session", "list", "--all", as_=seeded.sam, env=login.env) == []


def test_binding_a_login_is_an_admins_and_a_login_binds_one_person(
        seeded: Seeded, admin: str) -> None:
    run = seeded.run
    assert "may not bind logins to people" in run.fails(
        5, "person", "edit", seeded.sam, "--login", "sam", as_=seeded.desk).stderr
    assert run.json("person", "edit", seeded.sam, "--login", "sam")["login"] == "sam"
    taken = run.fails(2, "person", "edit", seeded.kim, "--login", "sam")
    assert "login 'sam' is Sam Lee <sam@example.org>'s already" in taken.stderr
    assert "is not a login" in run.fails(2, "person", "edit", seeded.kim,
                                         "--login", "no spaces").stderr
    assert run.json("person", "edit", seeded.sam, "--login", "")["login"] is None


def test_a_deactivated_persons_login_acts_as_nobody(seeded: Seeded, admin: str,
                                                    login: Login) -> None:
    run = seeded.run
    run.ok("person", "deactivate", seeded.lee)
    run.ok("person", "edit", seeded.lee, "--login", login.name)
    result = run.fails(5, "session", "list", env=login.env)
    assert "Lee Chen <lee@example.org>" in result.stderr and "is deactivated" in result.stderr


def test_a_student_lists_themselves_and_staff_but_no_other_student(seeded: Seeded) -> None:
    listed = {p["email"] for p in seeded.run.json("person", "list", as_=seeded.sam)}
    assert seeded.sam in listed and {seeded.ada, seeded.desk} <= listed
    assert not {seeded.kim, seeded.lee} & listed
    assert {seeded.kim, seeded.lee} <= {p["email"] for p in seeded.run.json(
        "person", "list", as_=seeded.ada)}
    unknown = seeded.run.fails(4, "session", "list", "--student", "Kim Parks", as_=seeded.sam)
    assert "kim@example.org" not in unknown.stderr


def test_asking_for_someone_elses_sessions_is_refused_not_emptied(seeded: Seeded) -> None:
    run = seeded.run
    seeded.book(FUTURE, mentor=seeded.bob, students=[seeded.kim])
    for args in (("export", "ics", "--mentor", seeded.bob), ("session", "list", "--all",
                                                              "--mentor", "Bob Stone")):
        refused = run.fails(5, *args, as_=seeded.ada)
        assert "ada@example.org (mentor) may not see the sessions of bob@example.org" \
            in refused.stderr
    run.fails(5, "export", "csv", "--student", seeded.kim, as_=seeded.sam)
    assert run.json("session", "list", "--all", "--mentor", seeded.ada, as_=seeded.ada) == []
    assert run.json("session", "list", "--all", "--mentor", seeded.bob, as_=seeded.kim)


def test_as_takes_a_name_too(seeded: Seeded) -> None:
    assert seeded.run.json("where", as_="Ada Byron")["acting"] == "Ada Byron <ada@example.org>, mentor"
    seeded.run.ok("person", "add", "--name", "Ada Byron", "--email", "ada2@example.org",
                  "--role", "student")
    assert "could be" in seeded.run.fails(2, "session", "list", as_="Ada Byron").stderr
