"""The floor: a minimal Flask app returning a short string, served like Lentera (`make bench` measures it)."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Halo, ASN Kota Semarang!"


@app.route("/healthz")
def healthz() -> dict:
    return {"status": "ok"}
