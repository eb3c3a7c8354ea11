"""Pages of the live domain."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("live", __name__)
