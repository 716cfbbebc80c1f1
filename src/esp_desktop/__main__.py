import sys

from esp_desktop.cli import main

sys.exit(main())
