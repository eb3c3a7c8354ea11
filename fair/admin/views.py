"""The admin console, for the instance's administrators only (others get 404)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
