"""Socket.IO events of the live fair: presence, walk-in queues, announcements, dashboard."""
from __future__ import annotations

from flask_socketio import SocketIO

from fair.live import chat_sockets


def register(server: SocketIO) -> None:
    """Attach this domain's handlers to the server that `init_app` just built."""
    chat_sockets.register(server)
