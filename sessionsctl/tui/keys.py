"""Every key of the app, written once: the bindings of each screen and widget, and the help
page (`?`) made from the same entries.

A screen or widget takes its ``BINDINGS`` from the tuple named after it here, in footer
order; the help page lists rows that each explain one or more of those keys (or a key that
Textual or a widget handles itself, such as tab or the command palette's). A test walks every
class with bindings and fails when one of them is not explained on the help page. Plain data
(Textual is imported only to make a binding), so the form's save logic can name its keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.binding import Binding, BindingType

# How the help page and hints write Textual's key names.
_SHOWN = {"question_mark": "?", "slash": "/", "left_square_bracket": "[",
          "right_square_bracket": "]", "left": "←", "right": "→", "up": "↑", "down": "↓",
          "pageup": "pgup", "pagedown": "pgdn", "minus": "-"}


def shown(key: str) -> str:
    """One Textual key name as people read it (``question_mark`` is ``?``)."""
    return _SHOWN.get(key, key)


@dataclass(frozen=True, slots=True)
class Key:
    """One binding: its keys (Textual names, comma-separated), the action, and what the key
    bar (or footer) says, if it shows it at all."""

    keys: str
    action: str
    description: str = ""
    show: bool = True
    priority: bool = False

    @property
    def first(self) -> str:
        """The first of its keys, as hints in the text write it (``ctrl+n``, ``?``)."""
        return shown(self.keys.split(",")[0])

    @property
    def label(self) -> str:
        """Its keys as the help page writes them: ``? or f1``."""
        return " or ".join(shown(k) for k in self.keys.split(","))

    def binding(self) -> Binding:
        from textual.binding import Binding  # the registry itself is plain data

        return Binding(self.keys, self.action, self.description, show=self.show,
                       priority=self.priority)


def bindings(keys: tuple[Key, ...]) -> list[BindingType]:
    """A class's ``BINDINGS`` from its tuple below."""
    return [key.binding() for key in keys]


# ---------------------------------------------------------------------- anywhere (the app)
HELP = Key("question_mark,f1", "help", "Help")
TODAY = Key("ctrl+t", "today_sessions", "Today's attendance", priority=True)
NEW_BOOKING = Key("ctrl+n", "new_booking", "New booking", priority=True, show=False)
THEME = Key("f2", "toggle_dark", "Light/dark", show=False)
UNDO_LAST = Key("ctrl+z", "undo_last", "Undo the last change made here", show=False)
REQUESTS = Key("ctrl+r", "request_queue", "Requests", priority=True, show=False)
APP = (HELP, TODAY, NEW_BOOKING, THEME, UNDO_LAST, REQUESTS)

BACK = Key("escape", "app.pop_screen", "Back")  # a screen pushed over the main one
CLOSE = Key("escape", "dismiss", "Back")  # a modal that answers nothing
CANCEL = Key("escape", "dismiss(None)", "Back")  # a question left unanswered

# ---------------------------------------------------------------------- the main screen
SHOW_CALENDAR = Key("1", "show('calendar')", "Calendar")
SHOW_LIST = Key("2", "show('list')", "List")
BOOK_HERE = Key("n", "app.new_booking", "New booking")
SEARCH = Key("slash", "search", "Search", show=False)
QUIT = Key("q", "app.quit", "Quit")
PEOPLE = Key("P", "app.people", "People", show=False)
MAIN = (SHOW_CALENDAR, SHOW_LIST, BOOK_HERE, SEARCH, QUIT, PEOPLE)

# ---------------------------------------------------------------------- the calendar
PREV_DAY = Key("left,h", "move(-1, 0)", "Prev day", show=False)
NEXT_DAY = Key("right,l", "move(1, 0)", "Next day", show=False)
UP = Key("up,k", "move(0, -1)", "Up", show=False)
DOWN = Key("down,j", "move(0, 1)", "Down", show=False)
PREV_PERIOD = Key("left_square_bracket", "period(-1)", "Prev")
NEXT_PERIOD = Key("right_square_bracket", "period(1)", "Next")
GO_TODAY = Key("t", "today", "Today")
GO_TO_DATE = Key("g", "screen.go_to_date", "Go to date", show=False)
MONTH = Key("m", "mode('month')", "Month")
WEEK = Key("w", "mode('week')", "Week")
DAY = Key("d", "mode('day')", "Day")
OPEN = Key("enter", "open", "Open")
CALENDAR = (PREV_DAY, NEXT_DAY, UP, DOWN, PREV_PERIOD, NEXT_PERIOD, GO_TODAY, GO_TO_DATE,
            MONTH, WEEK, DAY, OPEN)

# ---------------------------------------------------------------------- the session list
LIST_SEARCH = Key("slash", "search", "Search")
CLEAR = Key("x", "clear", "Clear filters")
SORT = Key("s", "sort_next", "Sort")
SORT_REVERSE = Key("S", "sort_reverse", "Reverse", show=False)
MARK = Key("space", "mark", "Mark")
MARK_ALL = Key("A", "mark_all", "Mark all", show=False)
CANCEL_MARKED = Key("delete", "bulk('cancel')", "Cancel marked", show=False)
MOVE_MARKED = Key("M", "bulk('move')", "Move marked", show=False)
REASSIGN_MARKED = Key("R", "bulk('reassign')", "Reassign marked", show=False)
SESSION_LIST = (LIST_SEARCH, CLEAR, SORT, SORT_REVERSE, MARK, MARK_ALL, CANCEL_MARKED,
                MOVE_MARKED, REASSIGN_MARKED)

ROW_OPEN = Key("enter", "select", "Open", show=False)
ROW_UP = Key("up", "move(-1)", "Up", show=False)
ROW_DOWN = Key("down", "move(1)", "Down", show=False)
PAGE_UP = Key("pageup", "page(-1)", "Page up", show=False)
PAGE_DOWN = Key("pagedown", "page(1)", "Page down", show=False)
FIRST_ROW = Key("home,ctrl+home", "move_to(0)", "First", show=False)
LAST_ROW = Key("end,ctrl+end", "move_to(-1)", "Last", show=False)
ROW_TABLE = (ROW_OPEN, ROW_UP, ROW_DOWN, PAGE_UP, PAGE_DOWN, FIRST_ROW, LAST_ROW)

# ---------------------------------------------------------------------- a session
EDIT = Key("e", "edit", "Edit")
ATTENDANCE = Key("a", "attendance", "Attendance")
COMPLETE = Key("c", "complete", "Complete")
CANCEL_SESSION = Key("x", "cancel_session", "Cancel session")
NOTE = Key("n", "note", "Add note")
REGISTER = Key("r", "register", "Register")
ADD_STUDENTS = Key("plus", "add_students", "Add")
REMOVE_STUDENT = Key("minus", "remove_student", "Remove")
SAVE_MATERIAL = Key("s", "save_material", "Save material")
SESSION = (BACK, EDIT, ATTENDANCE, COMPLETE, CANCEL_SESSION, NOTE, REGISTER, ADD_STUDENTS,
           REMOVE_STUDENT, SAVE_MATERIAL)

# ---------------------------------------------------------------------- attendance
PRESENT = Key("p", "mark('present')", "Present")
ABSENT = Key("a", "mark('absent')", "Absent")
LATE = Key("l", "mark('late')", "Late")
EXCUSED = Key("e", "mark('excused')", "Excused")
REST = Key("r", "rest", "Rest present")
STUDENT_NOTE = Key("n", "note", "Note")
UNDO = Key("u", "undo", "Undo")
ATTENDANCE_SCREEN = (BACK, PRESENT, ABSENT, LATE, EXCUSED, REST, STUDENT_NOTE, UNDO)

# Today's sessions (ctrl+t): a digit opens that session's attendance.
PICKS = tuple(Key(str(n), f"pick({n})", show=False) for n in range(1, 10))
TODAY_SCREEN = (CLOSE, *PICKS)

# The request queue (ctrl+r).
CLAIM = Key("c", "claim", "Claim")
SCHEDULE_REQUEST = Key("s", "schedule", "Schedule")
REQUESTS_SCREEN = (CLOSE, CLAIM, SCHEDULE_REQUEST)

# ---------------------------------------------------------------------- people
PEOPLE_SEARCH = Key("slash", "search", "Search")
EDIT_PERSON = Key("e", "edit", "Edit")
DEACTIVATE = Key("d", "deactivate", "Deactivate")
REACTIVATE = Key("a", "reactivate", "Reactivate")
ADD_PERSON = Key("n", "add", "New person")
SHOW_DEACTIVATED = Key("i", "toggle_deactivated", "Show deactivated", show=False)
MENTOR_VIEW = Key("v", "mentor_view", "Mentor view")
PEOPLE_SCREEN = (BACK, PEOPLE_SEARCH, EDIT_PERSON, DEACTIVATE, REACTIVATE, ADD_PERSON,
                 SHOW_DEACTIVATED, MENTOR_VIEW)
MENTOR_SCREEN = (BACK,)

# ---------------------------------------------------------------------- the booking form
SAVE = Key("ctrl+s", "save", "Save", priority=True)
SLOTS = Key("ctrl+o", "slots", "Free slots")
SKIP = Key("ctrl+b", "skip_conflicts", "Book the free ones")
LEAVE = Key("escape", "leave", "Back")
BOOKING = (SAVE, SLOTS, SKIP, LEAVE)

# ---------------------------------------------------------------------- questions and help
THIS = Key("t", "pick('this')", "This one", show=False)
FOLLOWING = Key("f", "pick('following')", "This and following", show=False)
ALL = Key("a", "pick('all')", "All", show=False)
SCOPE = (CANCEL, THIS, FOLLOWING, ALL)
PROMPT = (CANCEL,)
PERSON_FORM = (CANCEL, SAVE)
NO = Key("escape,n", "answer(False)", "No", show=False)
YES = Key("y", "answer(True)", "Yes", show=False)
CONFIRM = (NO, YES)
CLOSE_HELP = Key("escape,q,question_mark,f1", "dismiss", "Close")
HELP_SCREEN = (CLOSE_HELP,)


# ---------------------------------------------------------------------- the help page
@dataclass(frozen=True, slots=True)
class Row:
    """A line of the help page: what ``keys`` do. ``written`` is how the page writes them
    when their own labels would not read well together (``arrows or h j k l``); a row with
    no keys explains one that Textual or a widget handles itself (tab, the palette)."""

    what: str
    keys: tuple[Key, ...] = ()
    written: str = ""

    @property
    def label(self) -> str:
        return self.written or " or ".join(key.label for key in self.keys)


def row(what: str, *keys: Key, written: str = "") -> Row:
    return Row(what, keys, written)


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    rows: tuple[Row, ...]


HELP_PAGE: tuple[Section, ...] = (
    Section("Anywhere", (
        row("today's sessions → attendance", TODAY, *PICKS,
            written="ctrl+t, then 1–9 or enter"),
        row("new booking", NEW_BOOKING),
        row("mentorship requests: the open queue (c claims, s opens the booking form)",
            REQUESTS, CLAIM, SCHEDULE_REQUEST),
        row("undo the last change made here (asks first)", UNDO_LAST),
        row("command palette: commands, people, sessions by title or #id",
            written="ctrl+p"),  # Textual's own
        row("this help (the same key, escape or q closes it)", HELP, CLOSE_HELP,
            written=HELP.label),
        row("light or dark theme", THEME),
        row("back", BACK, CLOSE, CANCEL, written="escape"),
        row("quit", written="ctrl+q"),  # Textual's own
    )),
    Section("Calendar", (
        row("move: days (and sessions in the week and day views)", PREV_DAY, NEXT_DAY, UP,
            DOWN, written="arrows or h j k l"),
        row("previous / next month, week or day", PREV_PERIOD, NEXT_PERIOD,
            written="[ and ]"),
        row("today", GO_TODAY),
        row("go to a date (2026-12-08, next tuesday, 12 dec)", GO_TO_DATE),
        row("month, week, day view", MONTH, WEEK, DAY, written="m w d"),
        row("open the day (month) or the session; a click works too", OPEN),
        row("calendar / session list", SHOW_CALENDAR, SHOW_LIST, written="1 and 2"),
        row("new booking on the cursor's day", BOOK_HERE),
        row("quit (from the session list too)", QUIT),
        row("people: search, edit, deactivate (the palette's \"People\" too)", PEOPLE),
    )),
    Section("Session list", (
        row("search", SEARCH, LIST_SEARCH, written="/"),
        row("clear the filters (back to: from today)", CLEAR),
        row("sort by the next column / reverse (or click a header)", SORT, SORT_REVERSE,
            written="s and S"),
        row("open the session", ROW_OPEN),
        row("mark the row (or unmark it) and go down / mark every row shown (again: none)",
            MARK, MARK_ALL, written="space and A"),
        row("the marked sessions: cancel, move (by +1w, -30m... or to a day), give another "
            "mentor or room — the plan is shown first", CANCEL_MARKED, MOVE_MARKED,
            REASSIGN_MARKED, written="del M R"),
        row("move in the list", ROW_UP, ROW_DOWN, PAGE_UP, PAGE_DOWN, FIRST_ROW, LAST_ROW,
            written="↑ ↓ pgup pgdn home end"),
    )),
    Section("Session", (
        row("edit (a series asks which occurrences)", EDIT),
        row("attendance", ATTENDANCE),
        row("complete (asks first; says so if it has not started)", COMPLETE),
        row("cancel, with a reason", CANCEL_SESSION),
        row("add a note", NOTE),
        row("register a student: a seat, or the waitlist when full", REGISTER),
        row("add students by name or email, commas between (as `session enrol`: each "
            "checked for clashes and seats, all or none)", ADD_STUDENTS),
        row("take students off, commas between (the first one waiting who is free gets a "
            "seat)", REMOVE_STUDENT),
        row("save the material under the cursor to a folder you type (asks before replacing "
            "a file)", SAVE_MATERIAL),
    )),
    Section("Attendance", (
        row("present, absent, late, excused — then the next student (a student marked "
            "otherwise: asks first)", PRESENT, ABSENT, LATE, EXCUSED, written="p a l e"),
        row("mark the rest present (never changes a mark already given)", REST),
        row("a note for this student", STUDENT_NOTE),
        row("undo the last mark made here (again: the one before)", UNDO),
    )),
    Section("People", (
        row("search by name, email, role, zone or login: the list narrows as you type "
            "(enter: to the list)", PEOPLE_SEARCH),
        row("edit the name, email, zone and role (enter on the row too)", EDIT_PERSON),
        row("deactivate (asks first; refused while sessions to come name them) / reactivate",
            DEACTIVATE, REACTIVATE, written="d and a"),
        row("add a person", ADD_PERSON),
        row("show or hide the deactivated", SHOW_DEACTIVATED),
        row("a mentor's view: the last 30 days as report mentors counts them, and their "
            "average rating in each feedback category", MENTOR_VIEW),
        row("in the form: save (enter in a field too) / leave", SAVE, written="ctrl+s"),
    )),
    Section("Booking form", (
        row("next / previous field", written="tab and shift+tab"),  # Textual's focus keys
        row("take a name from the type-ahead list", written="↓ ↑ enter"),  # the picker's
        row("move the booking there", written="enter on a free slot"),  # the slot list's
        row("to the free slots (or the override, when none fits)", SLOTS),
        row("book only the free occurrences of a series that clashes", SKIP),
        row("save", SAVE),
        row("leave without saving (asks first if anything was typed)", LEAVE),
    )),
    Section("Questions", (
        row("yes / no (escape is no)", YES, NO, written="y and n"),
        row("a series: this occurrence, this and following, or all", THIS, FOLLOWING, ALL,
            written="t f a"),
    )),
)
