"""Mentorship requests: a student asks for a short one-off session, a mentor claims and
schedules it, open ones expire (values and rules in :mod:`.model`, use cases in
:mod:`.service`)."""
