"""An organisation's team page: owners invite and remove colleagues, members leave."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("teams", __name__)
