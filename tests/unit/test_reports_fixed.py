"""Every report over a small fixed centre, against figures worked out by hand.

The centre, seen on Thursday 10 December 2026 at 12:00 UTC (London is on UTC in December):

=====  ======  =======  ==========================  ===========  ===================  ========
id     mentor  subject  when                        students     marks                status
=====  ======  =======  ==========================  ===========  ===================  ========
S1     ada     Maths    Tue 1 Dec 16:00-17:00       sam, kim     present, late        done
S2     ada     Maths    Wed 2 Dec 16:00-17:30       sam, lee     absent, excused      done
S3     bob     English  Thu 3 Dec 16:00-17:00       kim          -                    cancelled
S4     bob     English  Mon 7 Dec 16:00-16:45       kim, lee     present, absent      done
S5     bob     -        Tue 8 Dec 16:00-17:00       sam          present              open
S6     ada     Maths    Fri 11 Dec 16:00-17:00      sam          - (to come)          open
=====  ======  =======  ==========================  ===========  ===================  ========

Feedback: S1 sam 5, kim 4; S2 lee 3 and ada (the mentor) 2; S4 kim 4.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessionsctl.core.attendance import read_marks
from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.errors import InvalidInput, NotFound, NotPermitted
from sessionsctl.core.domain.model import AttendanceStatus as A
from sessionsctl.core.domain.model import Role
from sessionsctl.core.reports.data import ReportFilter
from sessionsctl.core.reports.output import report_csv, report_html, report_json
from sessionsctl.core.reports.report import month_bounds, week_bounds
from sessionsctl.core.reports.stats import WINDOW
from sessionsctl.store.engine import SqlStore

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
ADA, BOB = "ada@centre.test", "bob@centre.test"
SAM, KIM, LEE = "sam@centre.test", "kim@centre.test", "lee@centre.test"
RANGE = ReportFilter(datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 14, tzinfo=UTC))


def at(day: int, minutes: int = 60) -> tuple[datetime, datetime]:
    start = datetime(2026, 12, day, 16, 0, tzinfo=UTC)
    return start, start + timedelta(minutes=minutes)


@pytest.fixture
def centre(store: SqlStore) -> Centre:
    c = Centre(store, clock=lambda: NOW)
    for name, email, role in (("Ada", ADA, Role.MENTOR), ("Bob", BOB, Role.MENTOR),
                              ("Sam", SAM, Role.STUDENT), ("Kim", KIM, Role.STUDENT),
                              ("Lee", LEE, Role.STUDENT)):
        c.people.add_person(name, email, role)
    c.people.add_subject("Maths")
    c.people.add_subject("English")

    def book(title: str, mentor: str, subject: str | None, day: int, students: tuple[str, ...],
             minutes: int = 60) -> int:
        start, end = at(day, minutes)
        return c.sessions.book(SessionDraft(title=title, mentor=mentor, start=start, end=end,
                                   tz="Europe/London", students=students,
                                   subject=subject), past=True).session.id

    s1 = book("S1", ADA, "Maths", 1, (SAM, KIM))
    s2 = book("S2", ADA, "Maths", 2, (SAM, LEE), 90)
    s3 = book("S3", BOB, "English", 3, (KIM,))
    s4 = book("S4", BOB, "English", 7, (KIM, LEE), 45)
    s5 = book("S5", BOB, None, 8, (SAM,))
    book("S6", ADA, "Maths", 11, (SAM,))
    for session, student, status in ((s1, SAM, A.PRESENT), (s1, KIM, A.LATE),
                                     (s2, SAM, A.ABSENT), (s2, LEE, A.EXCUSED),
                                     (s4, KIM, A.PRESENT), (s4, LEE, A.ABSENT),
                                     (s5, SAM, A.PRESENT)):
        c.attendance.mark(session, student, status)
    for session in (s1, s2, s4):
        c.sessions.complete(session, force=True)
    c.sessions.cancel(s3, "snow")
    for session, author, rating in ((s1, SAM, 5), (s1, KIM, 4), (s2, LEE, 3), (s2, ADA, 2),
                                    (s4, KIM, 4)):
        c.feedback.add(session, author, rating)
    return c


def rows_by(report, section: str, key: str) -> dict[str, dict]:
    return {row[key]: row for row in report.section(section).rows}


# ------------------------------------------------------------------------------ periods
def test_weeks_start_on_monday_in_the_viewers_zone_across_a_clock_change() -> None:
    start = datetime(2026, 10, 21, 12, tzinfo=UTC)  # a Wednesday; clocks go back on 25 Oct
    bounds = week_bounds(start, datetime(2026, 11, 3, tzinfo=UTC), LONDON)
    assert bounds == [datetime(2026, 10, 18, 23, tzinfo=UTC), datetime(2026, 10, 26, tzinfo=UTC),
                      datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 9, tzinfo=UTC)]
    assert month_bounds(start, datetime(2026, 11, 3, tzinfo=UTC), LONDON)[:2] == [
        datetime(2026, 9, 30, 23, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)]


# --------------------------------------------------------------------------- attendance
def test_attendance_per_student(centre: Centre) -> None:
    report = centre.reports.report_attendance(RANGE, LONDON)
    students = rows_by(report, "student", "student")
    assert set(students) == {SAM, KIM, LEE}
    # sam: S1 present, S2 absent, S5 present (S6 is to come: not counted)
    assert {k: students[SAM][k] for k in ("sessions", "present", "late", "absent", "excused",
                                          "unmarked")} == {"sessions": 3, "present": 2, "late": 0,
                                                             "absent": 1, "excused": 0,
                                                             "unmarked": 0}
    assert students[SAM]["attendance_rate"] == pytest.approx(2 / 3)
    assert students[SAM]["name"] == "Sam"
    # kim: S1 late, S4 present; the cancelled S3 is not counted
    assert (students[KIM]["sessions"], students[KIM]["attendance_rate"]) == (2, 1.0)
    # lee: S2 excused (left out), S4 absent
    assert (students[LEE]["sessions"], students[LEE]["excused"],
            students[LEE]["attendance_rate"]) == (2, 1, 0.0)
    totals = {f.label: f.value for f in report.headline}
    assert totals == {"Student sessions": 7, "Present": 3, "Late": 1, "Absent": 2, "Excused": 1,
                      "Attendance rate": pytest.approx(4 / 6)}
    [batch] = report.section("batch").rows
    assert (batch["batch"], batch["sessions"], batch["attendance_rate"]) == (
        "(no batch)", 7, pytest.approx(4 / 6))


def test_attendance_by_subject_and_mentor_and_filters(centre: Centre) -> None:
    report = centre.reports.report_attendance(RANGE, LONDON, ("subject", "mentor"))
    subjects = rows_by(report, "subject", "subject")
    assert {k: (v["sessions"], v["present"], v["late"], v["absent"], v["excused"])
            for k, v in subjects.items()} == {
        "Maths": (4, 1, 1, 1, 1), "English": (2, 1, 0, 1, 0), "(no subject)": (1, 1, 0, 0, 0)}
    mentors = rows_by(report, "mentor", "mentor")
    assert mentors[ADA]["attendance_rate"] == pytest.approx(2 / 3)
    assert mentors[BOB]["attendance_rate"] == pytest.approx(2 / 3)
    only_bob = centre.reports.report_attendance(ReportFilter(RANGE.start, RANGE.end, mentor=BOB), LONDON)
    assert {r["student"]: r["sessions"] for r in only_bob.section("student").rows} == {
        SAM: 1, KIM: 1, LEE: 1}
    weekly = only_bob.charts[0]
    assert weekly.labels == ("30 Nov", "07 Dec")
    assert weekly.series[0].values == (None, pytest.approx(2 / 3))


# --------------------------------------------------------------------------- completion
def test_completion_by_week_and_subject(centre: Centre) -> None:
    report = centre.reports.report_completion(RANGE, LONDON)
    weeks = report.section("week").rows
    assert [(str(w["week"]), w["sessions"], w["completed"], w["cancelled"], w["open"], w["due"])
            for w in weeks] == [("2026-11-30", 3, 2, 1, 0, 3), ("2026-12-07", 3, 1, 0, 2, 2)]
    assert weeks[0]["completion_rate"] == pytest.approx(2 / 3)
    assert weeks[1]["completion_rate"] == 0.5
    subjects = rows_by(report, "subject", "subject")
    assert {k: (v["sessions"], v["completed"], v["cancelled"], v["due"], v["completion_rate"])
            for k, v in subjects.items()} == {
        "English": (2, 1, 1, 2, 0.5), "Maths": (3, 2, 0, 2, 1.0),
        "(no subject)": (1, 0, 0, 1, 0.0)}
    totals = {f.label: f.value for f in report.headline}
    assert totals == {"Sessions": 6, "Completed": 3, "Cancelled": 1, "Open": 2,
                      "Completion rate": 0.6}


# ------------------------------------------------------------------------------ mentors
def test_mentors(centre: Centre) -> None:
    report = centre.reports.report_mentors(RANGE, LONDON)
    mentors = rows_by(report, "mentor", "mentor")
    ada, bob = mentors[ADA], mentors[BOB]
    assert (ada["sessions"], ada["held"], ada["hours"], ada["cancelled"]) == (3, 2, 2.5, 0)
    assert ada["completion_rate"] == 1.0  # S6 is not due yet
    # 5, 4 and 3 from students; Ada's own 2 on S2 is not hers to give
    assert (ada["ratings"], ada["average_rating"]) == (3, 4.0)
    assert ada["no_show_rate"] == pytest.approx(1 / 3)  # S2 sam absent; lee excused left out
    assert (bob["sessions"], bob["held"], bob["hours"], bob["cancelled"]) == (3, 1, 0.75, 1)
    assert bob["completion_rate"] == pytest.approx(1 / 3)
    assert (bob["ratings"], bob["average_rating"]) == (1, 4.0)
    assert bob["no_show_rate"] == pytest.approx(1 / 3)
    totals = {f.label: f.value for f in report.headline}
    assert totals == {"Mentors": 2, "Sessions held": 3, "Hours": 3.25, "Cancelled": 1,
                      "Average rating": 4.0, "No-show rate": pytest.approx(1 / 3)}


# ------------------------------------------------------------------------------ student
def test_student(centre: Centre) -> None:
    report = centre.reports.report_student(SAM, RANGE, LONDON)
    sessions = report.section("session").rows
    assert [(s["title"], s["status"], s["attendance"], s["rating"]) for s in sessions] == [
        ("S1", "completed", "present", 5), ("S2", "completed", "absent", None),
        ("S5", "scheduled", "present", None), ("S6", "scheduled", None, None)]
    totals = {f.label: f.value for f in report.headline}
    assert totals["Sessions"] == 3
    assert totals["Attendance rate"] == pytest.approx(2 / 3)
    assert totals["Average rating given"] == 5.0
    assert [(str(m["month"]), m["sessions"], m["present"], m["absent"])
            for m in report.section("month").rows] == [("2026-11-01", 0, 0, 0),
                                                       ("2026-12-01", 3, 2, 1)]


def test_student_report_of_someone_unknown_or_not_a_student(centre: Centre) -> None:
    with pytest.raises(NotFound, match="ghost"):
        centre.reports.report_student("ghost@centre.test", RANGE, LONDON)
    with pytest.raises(InvalidInput, match="not a student"):
        centre.reports.report_student(ADA, RANGE, LONDON)


# ------------------------------------------------------------------------ who sees what
def test_a_mentor_sees_their_own_and_a_student_only_themselves(centre: Centre) -> None:
    as_bob = Centre(centre.store, BOB, clock=lambda: NOW)
    assert [r["mentor"] for r in as_bob.reports.report_mentors(RANGE, LONDON).section().rows] == [BOB]
    with pytest.raises(NotPermitted):
        as_bob.reports.report_mentors(ReportFilter(RANGE.start, RANGE.end, mentor=ADA), LONDON)
    as_kim = Centre(centre.store, KIM, clock=lambda: NOW)
    assert [r["student"] for r in as_kim.reports.report_attendance(RANGE, LONDON).section().rows] == [KIM]
    with pytest.raises(NotPermitted):
        as_kim.reports.report_student(SAM, RANGE, LONDON)


def test_an_unknown_filter_is_not_found(centre: Centre) -> None:
    with pytest.raises(NotFound, match="Alchemy"):
        centre.reports.report_completion(ReportFilter(RANGE.start, RANGE.end, subject="Alchemy"), LONDON)


@pytest.mark.parametrize(("part", "email", "role"), [
    ("mentor", SAM, "student"), ("student", ADA, "mentor")])
def test_a_person_filter_in_the_wrong_role_is_refused_by_every_report(
        centre: Centre, part: str, email: str, role: str) -> None:
    f = ReportFilter(RANGE.start, RANGE.end, **{part: email})
    for report in (centre.reports.report_attendance, centre.reports.report_completion,
                   centre.reports.report_mentors):
        with pytest.raises(InvalidInput, match=f"<{email}> is a {role}, not a {part}") as caught:
            report(f, LONDON)
        assert caught.value.field == f"--{part}"
    with pytest.raises(InvalidInput, match=f"is a {role}"):
        centre.attendance.export_marks(f, LONDON)


# ------------------------------------------------ a mark of a student taken off a session
def test_a_mark_counts_only_while_its_student_takes_part(centre: Centre) -> None:
    """S5 (Bob, Tue 8 Dec) had Sam, marked present; Sam is swapped for Kim. Sam's mark is
    kept (an edit never loses attendance) but no reader counts, lists or exports it until
    Sam is back in S5; Kim is in S5 unmarked."""
    [s5] = [s.id for s in centre.sessions.find(SessionQuery(RANGE.start, RANGE.end))
            if s.title == "S5"]
    centre.sessions.edit(s5, {"students": (KIM,)})
    with centre.store.unit() as uow:
        assert uow.audit.table_counts()["attendance"] == 7  # the row itself stays

    assert centre.attendance.marks(s5) == []
    assert centre.sessions.show(s5).attendance == []
    # Bob: S4 kim present, lee absent (S5's mark left out): 1 of 2. All: absent S2 sam and
    # S4 lee over S1 present + late, S2 absent, S4 present + absent: 2 of 5.
    mentors = centre.reports.report_mentors(RANGE, LONDON)
    assert rows_by(mentors, "mentor", "mentor")[BOB]["no_show_rate"] == 0.5
    assert {f.label: f.value for f in mentors.headline}["No-show rate"] == pytest.approx(2 / 5)
    # The attendance report agrees: sam S1 present, S2 absent; kim S1 late, S4 present, S5
    # unmarked; lee as before.
    attendance = centre.reports.report_attendance(RANGE, LONDON, ("student", "mentor"))
    students = rows_by(attendance, "student", "student")
    assert (students[SAM]["sessions"], students[SAM]["present"], students[SAM]["absent"],
            students[SAM]["attendance_rate"]) == (2, 1, 1, 0.5)
    assert (students[KIM]["sessions"], students[KIM]["unmarked"],
            students[KIM]["attendance_rate"]) == (3, 1, 1.0)
    assert rows_by(attendance, "mentor", "mentor")[BOB]["absent"] == 1
    assert {f.label: f.value for f in attendance.headline} == {
        "Student sessions": 7, "Present": 2, "Late": 1, "Absent": 2, "Excused": 1,
        "Attendance rate": pytest.approx(3 / 5)}
    # The TUI header's rates: the same marks (S6, to come, adds an unmarked student-session).
    _, header = centre.reports.headline_rates(RANGE.start, RANGE.end, NOW)
    assert (header.present, header.late, header.absent, header.excused,
            header.sessions) == (2, 1, 2, 1, 8)
    assert [s["attendance"] for s in rows_by(centre.reports.report_student(KIM, RANGE, LONDON),
                                             "session", "title").values()] == [
        "late", None, "present", None]  # S1, S3 (cancelled), S4, S5
    # The export leaves it out, so it imports again as it stands.
    exported = centre.attendance.export_marks(RANGE, LONDON)
    assert f"\n{s5}," not in exported and exported.count("\n") == 1 + 6
    result = centre.attendance.import_marks(read_marks(exported, LONDON), dry_run=True)
    assert (len(result.marks), result.replaced) == (6, 6)

    centre.sessions.edit(s5, {"students": (KIM, SAM)})  # Sam is back, and so is the mark
    assert [(a.student, a.status) for a in centre.attendance.marks(s5)] == [(SAM, A.PRESENT)]
    mentors = centre.reports.report_mentors(RANGE, LONDON)
    assert rows_by(mentors, "mentor", "mentor")[BOB]["no_show_rate"] == pytest.approx(1 / 3)
    assert f"\n{s5}," in centre.attendance.export_marks(RANGE, LONDON)


# --------------------------------------------------------------- one definition of rates
def test_the_tui_header_and_the_reports_give_the_same_rates(centre: Centre) -> None:
    figures = centre.reports.dashboard(NOW, LONDON)
    window = ReportFilter(NOW - WINDOW, NOW)
    completion = {f.label: f.value for f in centre.reports.report_completion(window, LONDON).headline}
    attendance = {f.label: f.value for f in centre.reports.report_attendance(window, LONDON).headline}
    assert figures.completion_rate == completion["Completion rate"] == pytest.approx(3 / 5)
    assert figures.attendance_rate == attendance["Attendance rate"] == pytest.approx(4 / 6)


# ------------------------------------------------------------------------------ outputs
def test_json_csv_and_html_outputs(centre: Centre) -> None:
    import csv
    import io
    import json

    report = centre.reports.report_mentors(RANGE, LONDON)
    data = json.loads(json.dumps(report_json(report, LONDON)))
    assert data["totals"]["hours"] == 3.25
    assert {m["mentor"]: m["no_show_rate"] for m in data["mentor"]} == {ADA: 0.3333, BOB: 0.3333}
    rows = list(csv.DictReader(io.StringIO(report_csv(report, LONDON))))
    assert [(r["mentor"], r["held"], r["average_rating"]) for r in rows] == [
        (ADA, "2", "4.0"), (BOB, "1", "4.0")]
    html = report_html(report, LONDON)
    assert html.count("<svg") == 2 and "<script" not in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html


# ------------------------------------------------------- CSV a spreadsheet will not run
def test_attendance_and_report_csv_quote_cells_a_spreadsheet_would_run(centre: Centre) -> None:
    import csv
    import io

    s5, s6 = (next(s.id for s in centre.sessions.find(SessionQuery()) if s.title == t)
              for t in ("S5", "S6"))
    formula = '=HYPERLINK("http://evil.test","x")'
    centre.attendance.mark(s5, SAM, A.PRESENT, note=formula)
    exported = centre.attendance.export_marks(RANGE, LONDON)
    assert next(r for r in csv.DictReader(io.StringIO(exported)) if r["session_id"] == str(s5))[
        "note"] == "'" + formula
    assert [r.note for r in read_marks(exported, LONDON) if r.session_id == s5] == [formula]

    centre.sessions.edit(s6, {"title": "-2+3"})
    report = centre.reports.report_student(SAM, RANGE, LONDON)
    titles = [r["title"] for r in csv.DictReader(io.StringIO(report_csv(report, LONDON, "session")))]
    assert "'-2+3" in titles and "-2+3" not in titles
