"""esp-desktop: the consulting teacher's offline workbench for the Educator Supports Program."""

__version__ = "0.1.0"
APP_NAME = "esp-desktop"
