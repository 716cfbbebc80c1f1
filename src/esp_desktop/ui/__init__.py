"""esp_desktop.ui."""
