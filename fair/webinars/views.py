"""Pages of the webinars domain."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("webinars", __name__)
