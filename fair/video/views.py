"""Pages of the video domain."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("video", __name__)
