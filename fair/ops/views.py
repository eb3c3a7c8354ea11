"""Pages of the ops domain."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ops", __name__)
