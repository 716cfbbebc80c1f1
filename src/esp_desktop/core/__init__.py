"""esp_desktop.core."""
