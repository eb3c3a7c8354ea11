"""Socket.IO events of the live domain (each one authorised on its own)."""
from __future__ import annotations

from flask_socketio import SocketIO


def register(server: SocketIO) -> None:
    """Attach this domain's handlers to the server that `init_app` just built."""
