"""nginx in front of several web nodes on one host: the site of deploy/nginx/fair.conf made for loopback
and plain HTTP, and a whole nginx configuration around it under a folder of its own.

One function renders the site for `make serve` (fair/ops/serve.py), the tests' cluster
(tests/ops/cluster.py) and the benchmarks, so what they run is what deploy/ ships: the sticky
`fair_node` cookie hashed over the nodes, the WebSocket upgrade, the forwarded headers.
"""
from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
from pathlib import Path

from fair.config import PROJECT_ROOT

SITE = PROJECT_ROOT / "deploy" / "nginx" / "fair.conf"


def binary() -> str | None:
    """Debian's nginx (`make nginx` installs it), or None when it is not installed."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def render_site(node_ports: list[int], listen: str | int, debug_upstream: bool = False) -> str:
    """deploy/nginx/fair.conf for plain HTTP on `listen` ("host:port", or a port on 127.0.0.1) in front of
    the nodes on 127.0.0.1:`node_ports`: no TLS, no redirect from port 80, no static alias (the nodes
    serve /static/ themselves). `debug_upstream` (tests only) tells in a header which node answered."""
    if isinstance(listen, int) or str(listen).isdigit():
        listen = f"127.0.0.1:{listen}"
    site = SITE.read_text()
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in node_ports)
    site = re.sub(r"(?m)^    server 127\.0\.0\.1:\d+ [^\n]*\n", "", site)
    site = site.replace("    keepalive 32;", servers + "\n    keepalive 32;")
    site = re.sub(r"server \{\n    listen 80;.*?\n\}\n", "", site, count=1, flags=re.S)
    site = re.sub(r"    listen (\[::\]:)?443[^\n]*\n", "", site)
    site = re.sub(r"    ssl_[^\n]*\n", "", site)
    site = site.replace("    server_name fair.example.org;", f"    listen {listen};\n    server_name _;")
    site = site.replace("; Secure;", ";")
    site = re.sub(r"    location /static/ \{.*?\n    \}\n", "", site, flags=re.S)
    if debug_upstream:
        site = site.replace("    add_header Set-Cookie $fair_node_cookie;",
                            "    add_header Set-Cookie $fair_node_cookie;\n"
                            "    add_header X-Upstream $upstream_addr always;")
    return site


def write_config(prefix: Path, site: str, worker_processes: int | str = 1, worker_connections: int = 4096) -> Path:
    """nginx.conf under `prefix` with `site` as its only server, its pid, logs and temporary files there
    too; checked with `nginx -t`. Each proxied socket holds two connections of a worker (the browser's
    and the node's): `worker_connections` must be twice the sockets a worker carries, and the open
    files limit (LimitNOFILE, ulimit -n) above that."""
    found = binary()
    if found is None:
        raise FileNotFoundError("nginx is not installed (Debian's package: `make nginx`)")
    prefix.mkdir(parents=True, exist_ok=True)
    for sub in ("logs", "tmp"):
        (prefix / sub).mkdir(exist_ok=True)
    (prefix / "fair.conf").write_text(site)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    files = 2 * worker_connections + 64
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY:
        files = min(files, hard)  # raising the hard limit needs CAP_SYS_RESOURCE, which a container lacks
    config = prefix / "nginx.conf"
    config.write_text(
        f"{user}worker_processes {worker_processes};\nworker_rlimit_nofile {files};\n"
        f"pid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log warn;\n"
        f"events {{ worker_connections {worker_connections}; }}\n"
        "http {\n"
        f"  access_log off;\n  client_body_temp_path {prefix}/tmp/body;\n"
        f"  proxy_temp_path {prefix}/tmp/proxy;\n  fastcgi_temp_path {prefix}/tmp/fastcgi;\n"
        f"  uwsgi_temp_path {prefix}/tmp/uwsgi;\n  scgi_temp_path {prefix}/tmp/scgi;\n"
        f"  include {prefix}/fair.conf;\n"
        "}\n")
    subprocess.run([found, "-t", "-p", str(prefix), "-c", str(config)], check=True, capture_output=True)
    return config


def command(prefix: Path) -> list[str]:
    """nginx in the foreground with the configuration `write_config` left under `prefix`."""
    return [binary() or "nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]
