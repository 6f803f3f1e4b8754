"""Functional tests of the TUI: Pilot scenarios and SVG snapshots."""
