"""gunicorn settings of one web node: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

One gevent worker per node (`-w 1`): Socket.IO keeps each connection in the process that accepted
it, so scale out with more nodes (behind nginx's sticky sessions), not more workers per node.
wsgi.py patches the standard library with gevent before anything else is imported.
Every value can be changed through the environment (BIND, GUNICORN_TIMEOUT, …).
"""
import os

bind = os.environ.get("BIND", "127.0.0.1:" + os.environ.get("PORT", "8001"))
worker_class = "gevent"
workers = 1
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "5000"))  # sockets + requests
# A websocket is a request that lasts the whole visit: gevent workers are not killed for it, and
# this timeout only bounds a worker that stopped answering its arbiter.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Several nodes on one host must not share gunicorn's control socket.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # the app logs each failure; nginx logs access
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = os.environ.get("NODE_NAME", "fair-web")
