"""Observation capture: the timestamped script, tagging, conferences."""
