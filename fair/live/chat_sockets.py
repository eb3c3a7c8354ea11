"""Socket.IO events of the booth chat (each one authorised on its own)."""
from __future__ import annotations

from flask_socketio import SocketIO


def register(server: SocketIO) -> None:
    """Attach the chat handlers; called by fair.live.sockets.register."""
