"""A text field whose keys act in the order they were typed.

Textual's `Input` inserts a character as soon as it reads the key, but runs its own key
bindings (ctrl+u clears to the start, backspace, delete, ctrl+w, the cursor keys) only once
the key has travelled up to the app and come back as a binding. While the app is busy the
characters typed after such a key are already in the field when the binding runs: "ctrl+u,
2026-11-19 10:00" typed ahead cleared the new start it had just received (issue 18, item 4).
`Entry` runs its own editing bindings as it reads their keys, in the order typed; every
other key (enter, which a picker may take first, tab, the screen's keys) goes on as before.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

LEAVING = frozenset({"submit"})  # Input's bindings that leave the text as it is


class Entry(Input):
    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable:
            return  # Input inserts it
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if binding.priority or binding.action in LEAVING:
                continue  # the app ran it before the key came here; or not an edit
            if await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
