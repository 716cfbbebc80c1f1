"""esp_desktop.reports."""
