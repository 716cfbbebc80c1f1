"""Shared widgets, item models and helpers of every screen (Qt only)."""
