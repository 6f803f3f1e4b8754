"""Who may see what, enforced by PostgreSQL: group roles, grants and row-level security.

``sync`` (the use case is core's ``access sync``) makes, in the current schema and in one
transaction, idempotently:

- the group roles ``sessionsctl_admin|staff|enrolment|mentor|student`` (NOLOGIN, shared by every
  database of the cluster), each bound person's login role made a member of its group alone;
- grants: staff-like groups read and write every table; mentors read every table and write
  the ones their sessions need; students read every table but the private columns of
  sessions (cost, payment, staff notes, passcode, the reason conflicts were overridden), and
  write feedback;
- row-level security on the tables that say who takes part, with one policy per group: staff
  see all; mentors the sessions they host (and what hangs off them: students, marks,
  feedback, series, notices) and the directory of people (to book them); students the
  sessions they take part in and those of their active enrolments (same batch, or the
  course's unbatched ones with no batch), their own marks and feedback, no other student;
- ``SECURITY DEFINER`` helpers the policies use (who the connection is, whether they host or
  attend a session), and ``sessionsctl_private(id)``: a session's cost, payment and passcode for
  those who take part in it (what a student's connection reads instead of the columns);
- what a student's or invitee's own login does for itself (registering, waiting, checking
  in, answering an invitation, the seats taken): :mod:`.access_self`.

The table owner (who migrates the schema) is not subject to the policies; run ``access sync``
as it, and again after an upgrade adds tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from ...core.domain.errors import InvalidInput
from . import access_self

GROUPS = {"admin": "sessionsctl_admin", "staff": "sessionsctl_staff",
          "enrolment": "sessionsctl_enrolment", "mentor": "sessionsctl_mentor",
          "student": "sessionsctl_student"}
STAFF_LIKE = ("sessionsctl_admin", "sessionsctl_staff", "sessionsctl_enrolment")
PRIVATE = ("cost", "cost_hundredths", "payment_status", "notes", "meeting_passcode", "force_reason")
MENTOR_WRITES = ("sessions", "session_students", "series", "attendance", "feedback",
                 "materials", "outbox", "availability", "time_off", "audit_log", "caldav_sync",
                 "requests", "invitations", "availability_dates", "registrations", "waitlist",
                 "recordings", "checkin_codes")
GUARDED = ("people", "series", "sessions", "session_students", "attendance", "feedback",
           "outbox", "audit_log", "availability", "time_off", "rates", "invoices",
           "invoice_lines", "materials", "requests", "invitations", "availability_dates",
           "waitlist", "recordings", "checkin_codes", "checkin_attempts", "session_payments")

_FUNCTIONS = {
    "sessionsctl_me()": ("integer", "SELECT id FROM people WHERE login = session_user AND active"),
    "sessionsctl_my_email()": ("text", "SELECT email FROM people WHERE id = sessionsctl_me()"),
    "sessionsctl_hosts(sid integer)": (
        "boolean", "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = sid "
                   "AND mentor_id = sessionsctl_me())"),
    "sessionsctl_attends(sid integer)": (
        "boolean", "SELECT EXISTS (SELECT 1 FROM session_students WHERE session_id = sid "
                   "AND student_id = sessionsctl_me())"),
    "sessionsctl_enrolled(c integer, b integer)": (
        "boolean", "SELECT c IS NOT NULL AND EXISTS (SELECT 1 FROM enrolments e WHERE "
                   "e.student_id = sessionsctl_me() AND e.course_id = c AND e.status = 'active' "
                   "AND e.batch_id IS NOT DISTINCT FROM b)"),
    "sessionsctl_in_series(ser integer)": (
        "boolean", "SELECT EXISTS (SELECT 1 FROM sessions s WHERE s.series_id = ser AND "
                   "(s.mentor_id = sessionsctl_me() OR sessionsctl_attends(s.id)))"),
    "sessionsctl_private(sid integer)": (
        "TABLE (cost_hundredths bigint, payment_status varchar, meeting_passcode varchar)",
        "SELECT cost_hundredths, payment_status, meeting_passcode FROM sessions WHERE id = sid "
        "AND (mentor_id = sessionsctl_me() OR sessionsctl_attends(sid))"),
}

_STAFF = ", ".join(STAFF_LIKE)
# (table, policy, for, to, using, with check); "ALL" policies check writes with ``using``.
_POLICIES: tuple[tuple[str, str, str, str, str, str | None], ...] = (
    *((t, "staff_all", "ALL", _STAFF, "true", "true") for t in GUARDED),
    ("people", "mentor_sees", "SELECT", "sessionsctl_mentor", "true", None),  # to book anyone
    ("people", "student_sees", "SELECT", "sessionsctl_student",
     "id = sessionsctl_me() OR role <> 'student'", None),
    ("sessions", "mentor_hosts", "ALL", "sessionsctl_mentor", "mentor_id = sessionsctl_me()",
     "mentor_id = sessionsctl_me()"),
    ("sessions", "student_attends", "SELECT", "sessionsctl_student",
     "sessionsctl_attends(id) OR sessionsctl_enrolled(course_id, batch_id)", None),
    ("session_students", "mentor_hosts", "ALL", "sessionsctl_mentor",
     "sessionsctl_hosts(session_id)", "sessionsctl_hosts(session_id)"),
    ("session_students", "student_self", "SELECT", "sessionsctl_student",
     "student_id = sessionsctl_me()", None),
    ("series", "mentor_hosts", "ALL", "sessionsctl_mentor",
     "template->>'mentor' = sessionsctl_my_email() OR sessionsctl_in_series(id)",
     "template->>'mentor' = sessionsctl_my_email()"),
    ("series", "student_attends", "SELECT", "sessionsctl_student", "sessionsctl_in_series(id)",
     None),
    ("attendance", "mentor_hosts", "ALL", "sessionsctl_mentor",
     "sessionsctl_hosts(session_id)", "sessionsctl_hosts(session_id)"),
    ("attendance", "student_self", "SELECT", "sessionsctl_student",
     "student_id = sessionsctl_me()", None),
    ("feedback", "mentor_hosts", "ALL", "sessionsctl_mentor",
     "sessionsctl_hosts(session_id) OR author_id = sessionsctl_me()",
     "author_id = sessionsctl_me()"),
    ("feedback", "student_own", "ALL", "sessionsctl_student", "author_id = sessionsctl_me()",
     "author_id = sessionsctl_me() AND sessionsctl_attends(session_id)"),
    ("outbox", "mentor_hosts", "ALL", "sessionsctl_mentor",
     "session_id IS NOT NULL AND sessionsctl_hosts(session_id)", "true"),
    ("audit_log", "own", "ALL", "sessionsctl_mentor, sessionsctl_student",
     "actor_id = sessionsctl_me()", "actor_id = sessionsctl_me()"),
    # a session's materials: as its session (the sessions policies decide which a role sees)
    ("materials", "mentor_hosts", "ALL", "sessionsctl_mentor",
     "sessionsctl_hosts(session_id)", "sessionsctl_hosts(session_id)"),
    ("materials", "student_sees", "SELECT", "sessionsctl_student",
     "EXISTS (SELECT 1 FROM sessions s WHERE s.id = session_id)", None),
    # recordings: a session's participants see them all, others who see it the public ones;
    # check-in codes only their sessions' mentors (a student gives one, never reads it)
    ("recordings", "mentor_hosts", "ALL", "sessionsctl_mentor",
     "sessionsctl_hosts(session_id)", "sessionsctl_hosts(session_id)"),
    ("recordings", "student_sees", "SELECT", "sessionsctl_student",
     "sessionsctl_attends(session_id) OR (public AND EXISTS "
     "(SELECT 1 FROM sessions s WHERE s.id = session_id))", None),
    ("checkin_codes", "mentor_hosts", "ALL", "sessionsctl_mentor",
     "sessionsctl_hosts(session_id)", "sessionsctl_hosts(session_id)"),
    ("checkin_attempts", "student_own", "ALL", "sessionsctl_student",
     "student_id = sessionsctl_me()", "student_id = sessionsctl_me()"),
    ("waitlist", "mentor_hosts", "ALL", "sessionsctl_mentor",
     "sessionsctl_hosts(session_id)", "sessionsctl_hosts(session_id)"),
    ("waitlist", "student_self", "SELECT", "sessionsctl_student",
     "student_id = sessionsctl_me()", None),
    ("availability", "mentor_own", "ALL", "sessionsctl_mentor",
     "person_id = sessionsctl_me()", "person_id = sessionsctl_me()"),
    ("availability", "others_read", "SELECT", "sessionsctl_student", "true", None),
    ("availability_dates", "mentor_own", "ALL", "sessionsctl_mentor",
     "person_id = sessionsctl_me()", "person_id = sessionsctl_me()"),
    ("availability_dates", "others_read", "SELECT", "sessionsctl_student", "true", None),
    ("time_off", "mentor_own", "ALL", "sessionsctl_mentor",
     "person_id = sessionsctl_me()", "person_id = sessionsctl_me()"),
    # Requests: mentors see the queue (and the claims racing them) and what they claimed,
    # and may take an open one or give back their own; students their own, which they may
    # make and withdraw but neither claim nor schedule.
    ("requests", "mentor_sees", "SELECT", "sessionsctl_mentor",
     "status IN ('open', 'claimed') OR mentor_id = sessionsctl_me()", None),
    ("requests", "mentor_claims", "UPDATE", "sessionsctl_mentor",
     "status = 'open' OR mentor_id = sessionsctl_me()",
     "mentor_id IS NULL OR mentor_id = sessionsctl_me()"),
    # Invitations (and the digests of their tokens): staff, and the mentor of the session.
    ("invitations", "mentor_hosts", "ALL", "sessionsctl_mentor", "sessionsctl_hosts(session_id)",
     "sessionsctl_hosts(session_id)"),
    ("requests", "student_own", "ALL", "sessionsctl_student", "student_id = sessionsctl_me()",
     "student_id = sessionsctl_me() AND status IN ('open', 'cancelled')"),
)


@dataclass(frozen=True, slots=True)
class Member:
    login: str
    group: str
    created: bool = False  # the login role did not exist and was made


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sync(db: Connection, bindings: Sequence[tuple[str, str]]) -> list[Member]:
    """Set up roles, grants and policies for ``bindings`` (login, role value); returns each
    login with its group."""
    schema = _quote(str(db.execute(text("SELECT current_schema()")).scalar()))
    run = db.exec_driver_sql
    for group in GROUPS.values():
        run(f"DO $$ BEGIN CREATE ROLE {group} NOLOGIN; EXCEPTION WHEN duplicate_object "
            "OR unique_violation THEN NULL; END $$")
    tables = [r[0] for r in db.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))]
    everyone = ", ".join(GROUPS.values())
    run(f"GRANT USAGE ON SCHEMA {schema} TO {everyone}")
    run(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {everyone}")
    run(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {_STAFF}")
    run(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO sessionsctl_mentor")
    run(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(MENTOR_WRITES)} TO sessionsctl_mentor")
    # The archive tables have no row-level security: staff and admins read them, no one else.
    archived = [t for t in tables if t.startswith("archive_")]
    if archived:
        run(f"REVOKE ALL ON {', '.join(archived)} FROM sessionsctl_mentor, sessionsctl_student")
    public = [t for t in tables if t not in ("sessions", "caldav_sync", *archived)]
    run(f"GRANT SELECT ON {', '.join(public)} TO sessionsctl_student")
    run("REVOKE ALL ON sessions FROM sessionsctl_student")
    columns = [r[0] for r in db.execute(text(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = 'sessions'")) if r[0] not in PRIVATE]
    run(f"GRANT SELECT ({', '.join(columns)}) ON sessions TO sessionsctl_student")
    run("GRANT INSERT, UPDATE, DELETE ON feedback TO sessionsctl_student")
    run("GRANT INSERT ON audit_log TO sessionsctl_student")
    run("GRANT INSERT, DELETE ON checkin_attempts TO sessionsctl_student")
    run("GRANT INSERT, UPDATE ON requests TO sessionsctl_student")
    for grant in access_self.GRANTS:
        run(grant)
    functions = {**{sig: (returns, "sql", "STABLE", body)
                    for sig, (returns, body) in _FUNCTIONS.items()}, **access_self.FUNCTIONS}
    for signature, (returns, language, volatility, body) in functions.items():
        named = access_self.signature_types(signature)
        # CREATE OR REPLACE changes no result type (sessionsctl_private's cost was numeric)
        if returns.startswith(("TABLE", "SETOF")):
            run(f"DROP FUNCTION IF EXISTS {named}")
        run(f"CREATE OR REPLACE FUNCTION {signature} RETURNS {returns} LANGUAGE {language} "
            f"{volatility} SECURITY DEFINER SET search_path = {schema} AS $fn$ {body} $fn$")
        run(f"REVOKE ALL ON FUNCTION {named} FROM PUBLIC, {everyone}")
        if named not in access_self.INTERNAL:
            run(f"GRANT EXECUTE ON FUNCTION {named} TO {everyone}")
    for table in GUARDED:
        run(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for table, name, command, to, using, check in (*_POLICIES, *access_self.POLICIES):
        run(f"DROP POLICY IF EXISTS {name} ON {table}")
        # INSERT has only a check; SELECT and DELETE only a using
        rows = f" USING ({using})" if command != "INSERT" else ""
        with_check = f" WITH CHECK ({check})" if check and command not in ("SELECT",
                                                                          "DELETE") else ""
        run(f"CREATE POLICY {name} ON {table} FOR {command} TO {to}{rows}{with_check}")
    return [_member(db, login, GROUPS[role]) for login, role in bindings]


def _member(db: Connection, login: str, group: str) -> Member:
    """Make ``login`` a member of ``group`` and of no other of ours (creating the role)."""
    exists = db.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": login}).first()
    if not exists:
        db.exec_driver_sql(f"CREATE ROLE {_quote(login)} LOGIN")
    for other in GROUPS.values():
        if other != group:
            db.exec_driver_sql(f"REVOKE {other} FROM {_quote(login)}")
    db.exec_driver_sql(f"GRANT {group} TO {_quote(login)}")
    return Member(login, group, created=not exists)


def members(db: Connection) -> list[Member]:
    """The login roles that are members of our groups, and which."""
    rows = db.execute(text(
        "SELECT m.rolname, g.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
        "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = ANY(:groups) ORDER BY 1"),
        {"groups": list(GROUPS.values())})
    return [Member(login, group) for login, group in rows]


def reads_privately(db: Connection) -> bool:
    """Whether this connection's role is in the student group of a synced schema: it may not
    select sessions' private columns (:func:`..session_reads.private_select`). Not a
    superuser's, which ``pg_has_role`` counts a member of every role while no policy holds it."""
    return bool(db.execute(text(
        "SELECT to_regproc('sessionsctl_private') IS NOT NULL AND EXISTS (SELECT 1 FROM "
        "pg_roles WHERE rolname = 'sessionsctl_student') AND pg_has_role(current_user, "
        "'sessionsctl_student', 'MEMBER') AND NOT (SELECT rolsuper OR rolbypassrls FROM "
        "pg_roles WHERE rolname = current_user)")).scalar())


class SqlAccess:
    """The database's own enforcement of who sees what (implements core's ``AccessRepo``)."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    def sync(self, bindings: Sequence[tuple[str, str]]) -> list[tuple[str, str, bool]]:
        if self.db.dialect.name != "postgresql":
            raise InvalidInput("roles and row-level security are PostgreSQL's: on SQLite who "
                               "may open the file decides (its permissions)", field="db")
        return [(m.login, m.group, m.created) for m in sync(self.db, bindings)]

    def members(self) -> list[tuple[str, str]]:
        if self.db.dialect.name != "postgresql":
            return []
        return [(m.login, m.group) for m in members(self.db)]
