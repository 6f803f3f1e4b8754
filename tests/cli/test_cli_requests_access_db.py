"""PostgreSQL enforces who sees and moves requests, invitations and dated windows (after
`access sync`), in raw SQL as each person's own login and through the program run as them."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import ProgrammingError

from .conftest import book_args
from .test_cli_access_db import Centre, centre, rows  # noqa: F401  (the fixture)


def test_requests_and_invitations_under_row_level_security(centre: Centre) -> None:  # noqa: F811
    run, url = centre.run, centre.url
    ada = centre.person("Ada Byron", "ada@example.org", "mentor")
    bob = centre.person("Bob Stone", "bob@example.org", "mentor")
    sam = centre.person("Sam Lee", "sam@example.org", "student")
    kim = centre.person("Kim Park", "kim@example.org", "student")
    session = run.json(*book_args("2030-12-03 16:00", students=["sam@example.org"]), db=url)
    run.ok("access", "sync", db=url)
    asked = run.json("request", "add", "--title", "Vectors", db=sam)  # as Sam's own login
    rid = asked["id"]
    assert asked["student"] == "sam@example.org"
    assert run.json("request", "list", db=kim) == []
    assert rows(kim, "SELECT count(*) FROM requests") == [(0,)]
    assert rows(bob, "SELECT id FROM requests") == [(rid,)]  # the open queue
    assert run.json("request", "claim", str(rid), db=ada)["mentor"] == "ada@example.org"
    # Bob cannot take Ada's claim, nor Sam schedule their own request, by hand
    assert rows(bob, "UPDATE requests SET mentor_id = NULL, status = 'open' WHERE id = :i "
                     "RETURNING id", i=rid) == []
    with pytest.raises(ProgrammingError, match="row-level security"):
        rows(sam, "UPDATE requests SET status = 'scheduled' WHERE id = :i", i=rid)
    run.json("availability", "add", "ada@example.org", "--on", "2030-12-07", "--from", "10:00",
             "--to", "12:00", db=ada)
    with pytest.raises(ProgrammingError, match="row-level security"):
        rows(bob, "INSERT INTO availability_dates (person_id, day, start_time, end_time, tz) "
                  "SELECT id, '2030-12-08', '10:00', '11:00', 'UTC' FROM people "
                  "WHERE email = 'ada@example.org'")
    run.json("invite", "send", str(session["id"]), "guest@example.org", db=ada)
    assert rows(ada, "SELECT count(*) FROM invitations") == [(1,)]
    assert rows(bob, "SELECT count(*) FROM invitations") == [(0,)]
    assert rows(sam, "SELECT count(*) FROM invitations") == [(0,)]
