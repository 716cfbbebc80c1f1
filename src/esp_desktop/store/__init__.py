"""esp_desktop.store."""
