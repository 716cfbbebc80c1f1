"""Sync with esp-central: controller, status widget, conflicts and settings."""
