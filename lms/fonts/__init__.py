"""The vendored fonts of every PDF Lentera draws (certificates, JP recaps, activation-code sheets); see README.md."""

from pathlib import Path

FONT_DIR = Path(__file__).parent
