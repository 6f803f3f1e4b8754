"""The front-desk TUI: a Textual app over the core use cases (start it with `sessionsctl tui`)."""
