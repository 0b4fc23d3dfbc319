"""A web worker does not load the PDF, QR and crypto libraries until a certificate (or an activation-code
sheet) is rendered or signed.

Each worker holds what it imports for its whole life: fpdf2 (with fontTools and Pillow), segno and
cryptography/pyHanko cost tens of megabytes per worker that serves only lesson pages. The check runs
in a fresh interpreter, since this test process has long imported all of them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("fpdf", "fontTools", "segno", "PIL", "cryptography", "pyhanko")
PDF_LIBRARIES = ("fpdf", "fontTools", "segno", "PIL")

SCRIPT = f"""
import json, sys

heavy = {HEAVY!r}

def loaded():
    return sorted(name for name in heavy if name in sys.modules)

from lms import create_app

app = create_app()
assert app.config["LMS_CERT_SIGNING_P12"] is None
assert "lms.certificates.pdf" in sys.modules and "lms.certificates.signing" in sys.modules
assert "lms.accounts.code_sheet" in sys.modules  # the activation-code sheet: imported, fpdf2 not yet
at_start = loaded()

from lms.certificates.pdf import render_certificate_pdf
from tests.certificates.helpers import make_settings, make_snapshot

data = render_certificate_pdf(make_snapshot(), make_settings())
assert data.startswith(b"%PDF-")
print(json.dumps({{"at_start": at_start, "after_render": loaded()}}))
"""


def test_the_app_starts_without_the_pdf_and_crypto_libraries_and_loads_them_to_render() -> None:
    env = {**os.environ, "LMS_ENV": "testing"}
    env.pop("LMS_CERT_SIGNING_P12", None)
    env.pop("LMS_CERT_SIGNING_PASSWORD", None)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    modules = json.loads(result.stdout.strip().splitlines()[-1])
    assert modules["at_start"] == [], f"imported when the app starts: {modules['at_start']}"
    assert set(PDF_LIBRARIES) <= set(modules["after_render"]), modules["after_render"]
