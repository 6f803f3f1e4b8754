"""`session show`: everything about one session (registered on the `session` group of
sessions.py): its people with their roles (each student's payment when their places are paid
differently), attendance, feedback, materials and recordings, as tables or JSON."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..core.domain.serialize import (
    attendance_json,
    feedback_json,
    material_json,
    session_detail_json,
)
from ..core.schedule.sessions import SessionDetails
from . import render
from .context import Cli, cli
from .options import JsonOption
from .sessions import app


def places_json(details: SessionDetails) -> list[dict[str, Any]]:
    """Each student's place: who, and what it is paid as (null for a reader who may not read
    payments)."""
    paid = details.payments
    return [{"student": e, "payment": paid[e].value if e in paid else None}
            for e in details.session.students]


def _recordings_json(details: SessionDetails, state: Cli) -> list[dict[str, Any]]:
    if not details.recordings:
        return []
    from .recordings import recording_json  # (and with it the attendance commands)

    return [recording_json(r, state) for r in details.recordings]


def people_json(details: SessionDetails) -> list[dict[str, str]]:
    """Everyone in the session with their role: the mentor, the students (learners, whom
    reports count) and the guests an invitation brought (instructors, observers)."""
    s = details.session
    return [{"email": s.mentor, "role": "mentor"},
            *({"email": e, "role": "learner"} for e in s.students),
            *({"email": g.email, "role": g.role} for g in details.guests)]


@app.command("show")
def show(ctx: typer.Context, session_id: Annotated[int, typer.Argument(help="Session id.")],
         json_output: JsonOption = False) -> None:
    """Everything about one session: details, people, attendance, feedback, materials.

    Example:

    - `sessionsctl session show 42`
    """
    state = cli(ctx, json_output)
    details = state.centre.sessions.show(session_id)
    s, tz = details.session, state.tz
    if state.json:
        render.emit_json({
            **session_detail_json(s, tz),
            "people": people_json(details), "flags": details.flags,
            "places": places_json(details),
            "attendance": [attendance_json(a, tz) for a in details.attendance],
            "feedback": [feedback_json(f, tz) for f in details.feedback],
            "materials": [material_json(m) for m in details.materials],
            "recordings": _recordings_json(details, state)})
        return
    people = state.centre.people.names({s.mentor, *s.students, *(g.email for g in details.guests),
                                        *(f.author for f in details.feedback)})

    def who(email: str) -> str:
        return people[email].label if email in people else email

    def guests(role: str) -> str:
        return "\n".join(who(g.email) for g in details.guests if g.role == role)

    # Each student's payment beside them once their places are not all paid as the session is.
    paid = details.payments if any(p is not s.payment_status
                                   for p in details.payments.values()) else {}

    def student(email: str) -> str:
        return f"{who(email)} ({paid[email].value})" if email in paid else who(email)

    booked_in = f" (booked in {s.tz})" if s.tz != tz.key else ""
    rows: list[tuple[str, Any]] = [
        ("Title", s.title), ("Status", render.status_text(s.status, s)),
        ("Flagged", "\n".join(details.flags)),
        ("When", f"{render.when(s.start, tz)}–{render.hhmm(s.end, tz)}{booked_in}"),
        ("Mentor", who(s.mentor)), ("Students", "\n".join(map(student, s.students))),
        ("Instructors", guests("instructor")), ("Observers", guests("observer")),
        ("Type", s.type.value),
        ("Room", s.room), ("Subject", s.subject), ("Location", s.location), ("Link", s.link),
        ("Meeting id", s.meeting_id), ("Passcode", s.passcode),
        ("Seats", s.seats if s.max_participants is not None else None),
        ("Description", s.description),
        ("Notes", s.notes), ("Cost", s.cost),
        ("Payment", (s.payment_status.value + (" (each student's beside them)" if paid else ""))
         if s.cost is not None or paid else None),
        ("Series", s.series_id), ("Cancelled because", s.cancel_reason),
        ("Forced because", s.force_reason),
        ("Created", f"{render.when(s.created_at, tz)} by {render.by(s.created_by)}"),
        ("Modified", f"{render.when(s.modified_at, tz)} by {render.by(s.modified_by)}"),
    ]
    render.out.print(render.table(f"Session #{s.id}", ("Field", "Value"),
                                  ((k, v) for k, v in rows if v not in (None, ""))))
    if details.attendance:
        render.out.print(render.table("Attendance", ("Student", "Status", "In", "Out", "Note"), (
            (who(a.student), a.status.value,
             render.hhmm(a.check_in, tz) if a.check_in else "",
             render.hhmm(a.check_out, tz) if a.check_out else "", a.note)
            for a in details.attendance)))
    if details.feedback:
        render.out.print(render.table("Feedback", ("From", "Rating", "Categories", "Text"), (
            (who(f.author) + (f" (recorded by {f.recorded_by})" if f.recorded_by else ""),
             "★" * f.rating, ", ".join(f"{k}={v}" for k, v in f.categories.items()),
             f.text) for f in details.feedback)))
    if details.materials:
        render.out.print(render.table("Materials", ("Name", "Type", "Where"), (
            (m.name, m.type.value, m.location) for m in details.materials)))
    if details.recordings:
        from .recordings import recordings_table  # (and with it the attendance commands)

        render.out.print(recordings_table(details.recordings, state))
