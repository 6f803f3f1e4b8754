"""The keys, screen by screen (`?`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

KEYS = """\
# Keys

| Anywhere | |
|---|---|
| `ctrl+t` then `1`–`9` or `enter` | today's sessions → attendance |
| `ctrl+n` | new booking |
| `ctrl+p` | command palette |
| `?` / `f1` | this help |
| `f2` | light or dark theme |
| `escape` | back |
| `ctrl+q` | quit |

| Calendar | |
|---|---|
| arrows / `h` `j` `k` `l` | move (days; sessions in week and day) |
| `[` / `]` | previous / next month, week or day |
| `t` | today |
| `m` `w` `d` | month, week, day view |
| `enter` | open the day (month) or the session |
| `1` / `2` | calendar / session list |
| `n` | new booking on the cursor's day |

| Session list | |
|---|---|
| `/` | search |
| `x` | clear the filters (back to: from today) |
| `s` / `S` | sort by the next column / reverse (or click a header) |
| `enter` | open the session |

| Session | |
|---|---|
| `e` | edit (asks which occurrences for a series) |
| `a` | attendance |
| `c` | complete |
| `x` | cancel, with a reason |
| `n` | add a note |

| Attendance | |
|---|---|
| `p` `a` `l` `e` | present, absent, late, excused — then the next student |
| `r` | mark the rest present (never changes a mark already given) |
| `n` | a note for this student |

| Booking form | |
|---|---|
| `tab` / `shift+tab` | next / previous field |
| `↓` `↑` `enter` | choose from the type-ahead list |
| `ctrl+s` | save |
| `escape` | leave without saving |
"""


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 80; height: 90%; border: thick $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(KEYS)
