"""The web entry point: gunicorn -k gevent -w 1 wsgi:app, or `python wsgi.py` for one process."""
from gevent import monkey

monkey.patch_all()

from psycogreen.gevent import patch_psycopg  # noqa: E402

patch_psycopg()  # PostgreSQL queries yield to other greenlets instead of blocking the process

import os  # noqa: E402

from fair import create_app  # noqa: E402
from fair.extensions import socketio  # noqa: E402
from fair.ops.memory import tune_garbage_collector  # noqa: E402
from fair.sockets import WebSocketHandler  # noqa: E402

app = create_app()
tune_garbage_collector()  # fewer, shorter collector pauses: see fair/ops/memory.py

if __name__ == "__main__":
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    socketio.run(app, host=host, port=port, debug=False, use_reloader=False, log_output=True,
                 handler_class=WebSocketHandler)
