"""Backups: taking a whole copy of the centre's database, checking one, restoring one."""
