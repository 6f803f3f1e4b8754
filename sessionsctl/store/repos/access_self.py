"""What a student's (or an invitee's) own login may do for itself under row-level security:
register for an open session and withdraw, wait for a seat, check in while a session runs,
answer an invitation, and read the seats taken of the sessions it sees.

Part of ``access sync`` (:mod:`.access`). The rules are core's (``schedule/registration.py``,
``joining.py``, ``checkin.py``, ``invitations/``), judged first by the program on the
student's own connection; what the database adds only keeps raw SQL typed as that login
within the same bounds:

- row-level policies where the row itself says whose it is (a student's own waitlist place,
  mark, the invitation sent to their address, the mail about themselves);
- ``SECURITY DEFINER`` functions for what needs rows the login may not see: the seats taken
  (every registration counted, none shown), the waitlist's order (others' places without
  their names), a seat taken or given back (the session's row is written too), promotion
  of those waiting when a seat frees, and the sessions a check-in code opens. Each does one
  thing for the current login (``sessionsctl_me()``), and says in a comment where it
  re-checks a rule core holds.
"""

from __future__ import annotations

from ...core.domain.policy import JOIN_EARLY

_EARLY = f"interval '{int(JOIN_EARLY.total_seconds())} seconds'"
_MINE = "lower(email) = lower(sessionsctl_my_email())"
# A session's students as core's audit records them (``Session.students``: emails, sorted).
_ROSTER = ("(SELECT coalesce(json_agg(p.email ORDER BY p.email COLLATE \"C\"), '[]') FROM "
           "session_students ss JOIN people p ON p.id = ss.student_id WHERE ss.session_id = sid)")

# name(args): (returns, language, volatility, body). Read by the policies and the store.
FUNCTIONS: dict[str, tuple[str, str, str, str]] = {
    # The sessions a login of ours may see that does not see them all: those it hosts, takes
    # part in, or sees through an active enrolment (as the sessions policies say).
    "sessionsctl_sees(sid integer)": ("boolean", "sql", "STABLE", (
        "SELECT EXISTS (SELECT 1 FROM sessions s WHERE s.id = sid AND (s.mentor_id = "
        "sessionsctl_me() OR sessionsctl_attends(s.id) OR sessionsctl_enrolled(s.course_id, "
        "s.batch_id)))")),
    "sessionsctl_invited(sid integer)": ("boolean", "sql", "STABLE", (
        "SELECT EXISTS (SELECT 1 FROM invitations i WHERE i.session_id = sid AND i.status = "
        "'pending' AND lower(i.email) = lower(sessionsctl_my_email()))")),
    # Seats taken are no one's secret (core's ``seen`` keeps the count it hides names of).
    "sessionsctl_taken(sid integer)": ("integer", "sql", "STABLE", (
        "SELECT CASE WHEN sessionsctl_sees(sid) OR sessionsctl_invited(sid) THEN (SELECT "
        "count(*)::integer FROM session_students WHERE session_id = sid) END")),
    # Re-checks core's seat rule (``roster.seats``: the session's limit, or its room's if
    # lower) for the functions below, as the caller cannot count the rows it is given.
    "sessionsctl_seat_free(sid integer)": ("boolean", "sql", "STABLE", (
        "SELECT (SELECT count(*) FROM session_students ss WHERE ss.session_id = sid) < "
        "least(coalesce(s.max_participants, 2147483647), coalesce(r.capacity, 2147483647)) "
        "FROM sessions s LEFT JOIN rooms r ON r.id = s.room_id WHERE s.id = sid")),
    "sessionsctl_registering(sid integer)": ("boolean", "sql", "STABLE", (
        "SELECT EXISTS (SELECT 1 FROM registrations g JOIN sessions s ON s.id = g.session_id "
        "WHERE g.session_id = sid AND g.until_at > now() AND s.status = 'scheduled') "
        "AND sessionsctl_sees(sid)")),
    # The waitlist in order: the caller's own place named, the others' left blank.
    "sessionsctl_waitlist(sid integer)": (
        "TABLE (email varchar, joined_at timestamptz)", "sql", "STABLE", (
            "SELECT CASE WHEN w.student_id = sessionsctl_me() THEN p.email END, w.joined_at "
            "FROM waitlist w JOIN people p ON p.id = w.student_id WHERE w.session_id = sid "
            "AND (sessionsctl_sees(sid) OR w.student_id = sessionsctl_me()) ORDER BY w.id")),
    "sessionsctl_code_sessions(given text)": ("SETOF integer", "sql", "STABLE", (
        "SELECT session_id FROM checkin_codes WHERE code = given "
        "AND sessionsctl_attends(session_id) ORDER BY session_id")),
    # Its check-in window re-checked (core: joining.check_in within policy.JOIN_EARLY).
    "sessionsctl_checkin_open(sid integer)": ("boolean", "sql", "STABLE", (
        "SELECT sessionsctl_attends(sid) AND EXISTS (SELECT 1 FROM sessions s WHERE s.id = "
        "sid AND s.status IN ('scheduled', 'in_progress') AND now() >= s.start_at - "
        f"{_EARLY} AND now() < s.end_at)")),
    # The row lock core's ``sessions.hold`` takes (a student may not SELECT .. FOR UPDATE).
    "sessionsctl_hold(sid integer)": ("void", "plpgsql", "VOLATILE", (
        "BEGIN PERFORM 1 FROM sessions WHERE id = sid AND (sessionsctl_sees(sid) OR "
        "sessionsctl_invited(sid)) FOR UPDATE; END")),
    # A seat for the caller: registration open to them with a seat free and nobody waiting
    # (registration.register decides so first), or a pending learner invitation (invitations
    # decide first) on a session with a seat free. Re-checked here: raw SQL gets no further.
    "sessionsctl_take_seat(sid integer)": ("void", "plpgsql", "VOLATILE", (
        "DECLARE s record; me integer := sessionsctl_me(); BEGIN "
        "SELECT * INTO s FROM sessions WHERE id = sid FOR UPDATE; "
        "IF me IS NULL OR NOT FOUND OR s.status <> 'scheduled' "
        "OR NOT EXISTS (SELECT 1 FROM people WHERE id = me AND role = 'student') "
        "OR NOT sessionsctl_seat_free(sid) OR NOT ((sessionsctl_registering(sid) AND NOT "
        "EXISTS (SELECT 1 FROM waitlist w WHERE w.session_id = sid)) OR EXISTS (SELECT 1 "
        "FROM invitations i WHERE i.session_id = sid AND i.role = 'learner' AND i.status = "
        "'pending' AND i.expires_at > now() AND lower(i.email) = lower(sessionsctl_my_email()))) "
        "THEN RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = 'no seat on "
        "session ' || sid || ' for this login'; END IF; "
        "INSERT INTO session_students (session_id, student_id, start_at, end_at, cancelled, "
        "forced) VALUES (sid, me, s.start_at, s.end_at, false, false); "
        "UPDATE sessions SET sequence = sequence + 1, modified_at = now(), modified_by_id = me "
        "WHERE id = sid; END")),
    # The caller's seat given back (core: registration.withdraw; rules.editable re-checked).
    "sessionsctl_leave(sid integer)": ("void", "plpgsql", "VOLATILE", (
        "DECLARE me integer := sessionsctl_me(); BEGIN "
        "DELETE FROM session_students ss USING sessions s WHERE s.id = sid AND "
        "ss.session_id = sid AND ss.student_id = me AND s.status NOT IN ('completed', "
        "'cancelled'); "
        "IF NOT FOUND THEN RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = "
        "'no seat of this login on session ' || sid; END IF; "
        "UPDATE sessions SET sequence = sequence + 1, modified_at = now(), modified_by_id = me "
        "WHERE id = sid; END")),
    # Core's ``registration.promote`` for a connection that may not see who waits: the free
    # seats to those waiting, first come first; one busy then (the overlap guard PostgreSQL
    # keeps on session_students refuses their seat) is passed over and keeps their place.
    # Audited (the roster before and after) and mailed ("promoted") as core does; gives
    # seats only as the rule gives them, so any login of ours may run it. Returns how many
    # were seated, never who.
    "sessionsctl_promote(sid integer, notify boolean)": ("integer", "plpgsql", "VOLATILE", (
        "DECLARE s record; w record; n integer := 0; was json; BEGIN "
        "SELECT * INTO s FROM sessions WHERE id = sid FOR UPDATE; "
        "IF NOT FOUND OR s.status <> 'scheduled' OR s.end_at <= now() THEN RETURN 0; END IF; "
        "FOR w IN SELECT wl.id, wl.student_id, p.email FROM waitlist wl JOIN people p ON "
        "p.id = wl.student_id WHERE wl.session_id = sid ORDER BY wl.id LOOP "
        "EXIT WHEN NOT sessionsctl_seat_free(sid); "
        f"was := {_ROSTER}; "
        "BEGIN INSERT INTO session_students (session_id, student_id, start_at, end_at, "
        "cancelled, forced) VALUES (sid, w.student_id, s.start_at, s.end_at, false, false); "
        "EXCEPTION WHEN exclusion_violation THEN CONTINUE; END; "
        "DELETE FROM waitlist WHERE id = w.id; "
        "UPDATE sessions SET sequence = sequence + 1, modified_at = now(), modified_by_id = "
        "sessionsctl_me() WHERE id = sid; "
        "INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_id, before, after) "
        "VALUES (now(), sessionsctl_me(), coalesce(sessionsctl_my_email(), session_user), "
        "'promote', 'session', sid::text, json_build_object('students', was), "
        f"json_build_object('students', {_ROSTER})); "
        "IF notify AND s.start_at >= now() THEN INSERT INTO outbox (kind, template, recipient, "
        "session_id, start_at, payload, status, attempts, next_attempt_at, created_at) VALUES "
        "('booked', 'promoted', w.email, sid, s.start_at, json_build_object('sessions', "
        "json_build_array(sid)), 'pending', 0, now(), now()); END IF; "
        "n := n + 1; END LOOP; RETURN n; END")),
}

# Called only inside the functions above (as their owner): no login may run them itself.
INTERNAL = ("sessionsctl_seat_free(integer)",)

STUDENT = "sessionsctl_student"
INVITEES = "sessionsctl_mentor, sessionsctl_student"
# (table, policy, for, to, using, with check), as access.py's.
POLICIES: tuple[tuple[str, str, str, str, str, str | None], ...] = (
    # an invitee sees the session they are invited to, and their invitation, and answers it
    ("sessions", "invitee_sees", "SELECT", INVITEES, "sessionsctl_invited(id)", None),
    ("invitations", "invitee_sees", "SELECT", INVITEES, _MINE, None),
    ("invitations", "invitee_answers", "UPDATE", INVITEES, f"{_MINE} AND status = 'pending'",
     f"{_MINE} AND (status = 'expired' OR (status IN ('accepted', 'declined') "
     "AND expires_at > now())) AND (person_id IS NULL OR person_id = sessionsctl_me())"),
    # their own place on a waitlist, taken while registration is open, given up any time
    ("waitlist", "student_waits", "INSERT", STUDENT, "true",
     "student_id = sessionsctl_me() AND sessionsctl_registering(session_id)"),
    ("waitlist", "student_leaves", "DELETE", STUDENT, "student_id = sessionsctl_me()", None),
    # their own mark, present or late, while the session runs (join, check-in code)
    ("attendance", "student_checks_in", "INSERT", STUDENT, "true",
     "student_id = sessionsctl_me() AND recorded_by_id = sessionsctl_me() AND status IN "
     "('present', 'late') AND sessionsctl_checkin_open(session_id)"),
    # the mail about their own seat (booked, or taken off)
    ("outbox", "student_own", "ALL", STUDENT, "recipient = sessionsctl_my_email()",
     "recipient = sessionsctl_my_email() AND kind IN ('booked', 'cancelled') "
     "AND template IN ('booked', 'cancelled')"),
)

GRANTS = (
    f"GRANT INSERT, DELETE ON waitlist TO {STUDENT}",
    f"GRANT INSERT ON attendance TO {STUDENT}",
    f"GRANT INSERT ON outbox TO {STUDENT}",
    f"GRANT UPDATE (status, responded_at, person_id) ON invitations TO {STUDENT}",
)


def signature_types(signature: str) -> str:
    """``name(a integer, b text)`` as ``name(integer, text)``: how GRANT and DROP name it."""
    name, inner = signature.split("(", 1)
    args = ", ".join(part.split()[-1] for part in inner.rstrip(")").split(",") if part.strip())
    return f"{name}({args})"
