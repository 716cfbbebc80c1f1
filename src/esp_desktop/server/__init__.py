"""esp_desktop.server."""
