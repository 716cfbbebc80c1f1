"""esp_desktop.sync."""
