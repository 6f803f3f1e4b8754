"""The booking form, in parts: `reading` (what was typed, as a draft), `check` (the live
conflict check) and `save` (the core call a save makes, and what the form says after it),
none of which imports Textual; `fields` (the rows and pickers), `conflicts` (the conflicts and
free-slots panel) and `screen` (`BookingScreen`, which joins them)."""
