"""sessionsctl: run a tutoring centre's sessions from the terminal."""

__version__ = "0.1.0"
