"""Archiving old sessions: moved out of the working tables, and back (`sessionsctl archive`)."""
