"""Unlocking, first run, auto-lock and the settings dialog."""
