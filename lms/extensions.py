"""Unbound Flask extensions, initialised by the app factory."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from lms.database import Base


def client_ip() -> str:
    """The client address as the WSGI server (or ProxyFix, when configured) reports it."""
    return request.remote_addr or "unknown"


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=client_ip)
babel = Babel()
