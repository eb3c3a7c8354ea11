"""Benchmark: the live fair's fan-out, from a queue change to its arrival at every follower of the booth.

One live edition with 50 booths (one company and one available recruiter each) and N candidates
(`--clients`, default 2,000), each following one booth over a websocket (python-socketio
`AsyncClient`s, spread over as many client processes as needed, signed in with a session cookie made
by the app's own serializer: no password hashing). **One** server process (`python wsgi.py`, gevent;
`--gunicorn` for `gunicorn -k gevent -w 1`) on SQLite (default) or a throw-away PostgreSQL cluster
(`--postgres`), with its own Valkey. `--profile` samples the server with py-spy (on PyPI) while the
clients connect and during the load, and prints where its time went.

Load, for `--seconds`: each booth sees a queue change every `50 / --changes-per-s` seconds (one
candidate joins or leaves its queue; one change in flight per booth, so each change is the next `seq`
of that booth's `booth_presence`), and candidates post chat messages at `--chat-per-s` over the fair.
Latency = from the `queue_join`/`queue_leave` emit to the arrival of that `booth_presence` (matched by
booth and `seq`) at **every** client following the booth, p50/p99 over all deliveries; clocks are
`time.time()` on this one machine. The server's RSS is read from /proc/<pid>/status after the load.

`--processes N`: N gunicorn gevent nodes as `make serve` runs them (deploy/gunicorn.conf.py) behind
Debian's nginx with the site of deploy/nginx/fair.conf (fair/ops/nginx.py), every client through nginx
with a `fair_node` cookie of its own. `--kill-one` (with --processes) SIGKILLs the first node's web
process `--kill-after` seconds into the load; gunicorn starts another; the clients reconnect as the
page's client does (jittered exponential backoff, 1 s to 10 s, 20 s for each attempt to connect),
follow their booth again, and count as back when that follow's state has at least the `seq` their
process had seen when they dropped.
CPU and RSS are summed over our web processes (nginx's own are not counted); `kb_per_client` is their
RSS growth from before the clients connect (each process answered one request) to after, per client.

In the same run the same clients and load go to `bench/node/reference_server.mjs` (Node's socket.io
doing the same broadcasts from memory: no database, no session, no Redis; one process: socket.io's
cluster adapter is not in bench/node's lock file), installed with `npm ci` when missing, with no proxy
in front. The last line is one JSON object: {"clients", "connected", "p50_ms", "p99_ms", "rss_mb",
"node_p99_ms", "ratio_p99", "ratio_cpu", "database", "load_average": [before, after], "fair": {…},
"node": {…}}, each of "fair" and "node" with connect_s, p50_ms, p99_ms, cpu_ms_per_change, timed_out
{changes, clients}, delivered, expected_deliveries, rss_mb, kb_per_client, processes, and for ours
sockets_per_process and, with --kill-one, kill_one {dropped, back, back_stale, never_back,
last_back_s, p50_back_s, others_fell_over, restarted}.

    .venv/bin/python bench/live_fanout.py [--clients 2000] [--postgres] [--gunicorn | --processes 2 [--kill-one]]
                                          [--seconds 30] [--profile] [--deflate]
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import multiprocessing as mp
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import (  # noqa: E402
    PostgresCluster,
    ValkeyProcess,
    free_port,
    start_profiler,
    stop_profiler,
    terminate,
    wait_for_port,
)

BOOTHS = 50
SECRET_KEY = "bench-live-secret"
NODE_DIR = ROOT / "bench" / "node"


# ---------------------------------------------------------------- set-up (not timed)

def seed(database_url: str, redis_url: str, candidates: int, work: Path) -> dict[str, Any]:
    """A live edition, 50 booths with one recruiter each, N candidates; their session cookies."""
    from fair import create_app
    from fair.accounts import sessions
    from fair.accounts.models import Membership, Organisation, OrganisationKind, User
    from fair.companies.models import Booth
    from fair.db import utcnow
    from fair.extensions import db
    from fair.fairs.models import Edition, EditionStatus
    from fair.migrate import upgrade

    upgrade(database_url)
    app = create_app({"DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": SECRET_KEY,
                      "INSTANCE_PATH": str(work / "seed-instance")})
    with app.app_context(), app.test_request_context():
        s = db.session
        organiser = Organisation(kind=OrganisationKind.organiser, name="Bench organiser")
        start = utcnow() - dt.timedelta(hours=1)
        edition = Edition(organiser=organiser, slug="bench-live", title="Bench live fair", starts_at=start,
                          ends_at=start + dt.timedelta(hours=10), registration_opens_at=start - dt.timedelta(days=30),
                          registration_closes_at=start + dt.timedelta(hours=10), status=EditionStatus.live)
        s.add(edition)
        s.flush()
        booths, recruiters = [], []
        for n in range(BOOTHS):
            company = Organisation(kind=OrganisationKind.company, name=f"Company {n}")
            recruiter = User(email=f"recruiter{n}@bench.example.org", password_hash="-", full_name=f"Recruiter {n}",
                             security_stamp=f"r{n}", email_confirmed_at=utcnow())
            s.add_all([company, recruiter, Membership(user=recruiter, organisation=company)])
            booth = Booth(edition=edition, company=company)
            s.add(booth)
            booths.append(booth)
            recruiters.append(recruiter)
        people = [User(email=f"candidate{n}@bench.example.org", password_hash="-", full_name=f"Candidate {n}",
                       security_stamp=f"c{n}", email_confirmed_at=utcnow()) for n in range(candidates)]
        s.add_all(people)
        s.commit()
        serializer = app.session_interface.get_signing_serializer(app)

        def cookie(user: User) -> str:
            """A signed-in browser as the login makes it: a server-side session row and the cookie naming it."""
            token = sessions.start(s, user, user_agent="bench")
            return serializer.dumps({"_user_id": user.get_id(), "_fresh": True, sessions.SESSION_TOKEN_KEY: token})

        seeded = {
            "cookie_name": app.config.get("SESSION_COOKIE_NAME", "session"),
            "booths": [b.id for b in booths],
            "recruiters": [cookie(r) for r in recruiters],
            "candidates": [cookie(p) for p in people],
        }
        s.commit()  # the session rows
        db.session.remove()
        db.engine.dispose()
    return seeded


def raise_open_files() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB, read from /proc (no psutil)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, amount, _unit = line.split()
            values[key[:-1]] = int(amount) / 1024
    return round(values.get("VmRSS", 0.0), 1), round(values.get("VmHWM", 0.0), 1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat), which other work on the machine
    slows down much less than it does latencies."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- one client process

class BoothDriver:
    """Makes the queue changes of one booth, one at a time, from this process's followers of it."""

    def __init__(self, booth: int, clients: list, rng: random.Random) -> None:
        self.booth, self.clients, self.rng = booth, clients, rng
        self.waiting: set[int] = set()
        self.emits: list[tuple[int, float]] = []  # (seq, emitted at)
        self.refused: dict[str, int] = defaultdict(int)

    async def change(self, last_seq: dict[int, int], arrived: dict[tuple[int, int], list],
                     timeout: float) -> None:
        joining = len(self.waiting) < 3 or (len(self.waiting) < 10 and self.rng.random() < 0.5)
        pool = [i for i in range(len(self.clients)) if (i in self.waiting) != joining]
        if not pool:
            return
        index = self.rng.choice(pool)
        client = self.clients[index]
        before = last_seq.get(self.booth, 0)
        event = "queue_join" if joining else "queue_leave"
        waiter = [asyncio.Event(), None]  # set with the first seq above `before` this process receives
        arrived[(self.booth, before)] = waiter
        sent_at = time.time()
        try:
            ack = await client.call(event, {"booth": self.booth}, timeout=timeout)
        except Exception as error:  # a timeout counts as a refusal: the change may not have happened
            self.refused[type(error).__name__] += 1
            arrived.pop((self.booth, before), None)
            return
        if not ack or not ack.get("ok"):
            self.refused[(ack or {}).get("code", "no_ack")] += 1
            arrived.pop((self.booth, before), None)
            if (ack or {}).get("code") == "already":
                self.waiting.add(index)
            return
        if joining:
            self.waiting.add(index)
        else:
            self.waiting.discard(index)
        try:
            await asyncio.wait_for(waiter[0].wait(), timeout)
        except asyncio.TimeoutError:
            self.refused["no_broadcast"] += 1
            return
        finally:
            arrived.pop((self.booth, before), None)
        self.emits.append((waiter[1], sent_at))


async def run_clients(config: dict[str, Any], control, report) -> None:
    import aiohttp
    import socketio

    url, cookie_name = config["url"], config["cookie_name"]
    rng = random.Random(config["index"])
    arrivals: list[tuple[int, int, float]] = []
    last_seq: dict[int, int] = {}
    arrived: dict[tuple[int, int], list] = {}
    chat_received = [0]
    dropped: list[str] = []  # sockets the server closed before the end
    closing = False
    connector = aiohttp.TCPConnector(limit=0)
    # One cookie jar a client, over one connection pool: engine.io moves the Cookie header into the jar
    # and sends the jar's cookies again on a reconnection, as each browser keeps its own.
    jars: list = []
    reconnect = config.get("reconnect", False)
    comebacks: list[tuple[float, float, bool]] = []  # (dropped at, back with the current state at, current)

    class PageClient(socketio.AsyncClient):
        """python-socketio's client, reconnecting as the page's socket.io client does.

        The browser's client gives a connection 20 s (its `timeout`); python-socketio gives a
        reconnection's handshake 5 s and its namespace connect 1 s, then drops it. The browser's
        jitter is ±50 % of each delay (1 s, 2 s, 4 s… up to 10 s); python-socketio's is ±
        `randomization_factor` seconds, which its loop reads once an attempt: here it is half the delay."""
        attempts = 0  # since the last connection

        async def connect(self, *args: Any, **kwargs: Any) -> None:
            kwargs["wait_timeout"] = max(kwargs.get("wait_timeout", 0), 20)
            await super().connect(*args, **kwargs)

        @property
        def randomization_factor(self) -> float:
            delay = min(self.reconnection_delay * 2 ** self.attempts, self.reconnection_delay_max)
            self.attempts += 1
            return 0.5 * delay

        @randomization_factor.setter
        def randomization_factor(self, _value: float) -> None:  # set by the base class
            pass

    def client_for(booth: int, staff: bool = False) -> socketio.AsyncClient:
        # With --kill-one the clients come back as the page's client does (static/js/socket.js): jittered
        # exponential backoff from 1 s to 10 s, each attempt given 20 s, then the page's onConnect asks
        # the current state again.
        sio = PageClient(reconnection=reconnect, reconnection_delay=1, reconnection_delay_max=10, request_timeout=20,
                         http_session=aiohttp.ClientSession(connector=connector, connector_owner=False),
                         # --deflate: offer permessage-deflate, as every browser does
                         websocket_extra_options={"compress": 15} if config.get("deflate") else {})
        jars.append(sio.eio.http)
        sio.dropped_at = None  # type: ignore[attr-defined]
        sio.seq_at_drop = 0  # type: ignore[attr-defined]

        @sio.on("connect")
        async def connected():
            sio.attempts = 0
            if sio.dropped_at is not None:
                asyncio.get_running_loop().create_task(follow_again(sio, booth, staff))

        @sio.on("booth_presence")
        async def presence(data):  # noqa: ANN001 - python-socketio handler
            now = time.time()
            if data.get("booth") != booth:
                return
            seq = int(data.get("seq", 0))
            arrivals.append((booth, seq, now))
            if seq > last_seq.get(booth, 0):
                previous = last_seq.get(booth, 0)
                last_seq[booth] = seq
                waiter = arrived.get((booth, previous))
                if waiter is not None and waiter[1] is None:
                    waiter[1] = seq
                    waiter[0].set()

        @sio.on("chat_message")
        async def chat(data):  # noqa: ANN001
            chat_received[0] += 1

        @sio.on("disconnect")
        async def gone(*reason):  # noqa: ANN002 - the server closed it (ping timeout, error…)
            if not closing:
                dropped.append(str(reason[0]) if reason else "?")
                if sio.dropped_at is None:
                    sio.dropped_at = time.time()
                    sio.seq_at_drop = last_seq.get(booth, 0)

        return sio

    async def follow_again(sio, booth: int, staff: bool) -> None:
        """What the page's onConnect does on a reconnection: follow the booth again and read its state."""
        try:
            if staff:
                ack = await sio.call("staff_follow_booth", {"booth": booth}, timeout=30)
                if ack and ack.get("ok"):
                    await sio.call("staff_available", {"booth": booth, "available": True}, timeout=30)
                sio.dropped_at = None
                return
            ack = await sio.call("live_follow_booth", {"booth": booth}, timeout=30)
        except Exception as error:
            refused[f"refollow:{type(error).__name__}"] += 1
            return
        if not ack or not ack.get("ok"):
            refused[f"refollow:{(ack or {}).get('code', 'no_ack')}"] += 1
            return
        seq = int((ack.get("state") or {}).get("seq", 0))
        # Current: at least every change this process had seen of the booth when the socket dropped.
        comebacks.append((sio.dropped_at, time.time(), seq >= sio.seq_at_drop))
        last_seq[booth] = max(last_seq.get(booth, 0), seq)
        sio.dropped_at = None

    followers: dict[int, list] = defaultdict(list)
    clients: list[tuple[socketio.AsyncClient, int]] = []
    refused = defaultdict(int)
    gate = asyncio.Semaphore(config["connect_concurrency"])

    async def connect(cookie: str, booth: int, staff: bool) -> None:
        sio = client_for(booth, staff)
        sticky = f"; fair_node={rng.getrandbits(64):016x}" if config.get("sticky") else ""
        async with gate:
            try:
                await sio.connect(url, headers={"Cookie": f"{cookie_name}={cookie}{sticky}"},
                                  transports=["websocket"], wait_timeout=30)
                if staff:
                    ack = await sio.call("staff_follow_booth", {"booth": booth}, timeout=30)
                    if ack and ack.get("ok"):
                        ack = await sio.call("staff_available", {"booth": booth, "available": True}, timeout=30)
                else:
                    ack = await sio.call("live_follow_booth", {"booth": booth}, timeout=30)
            except Exception as error:
                refused[f"{'staff' if staff else 'candidate'}_connect:{type(error).__name__}"] += 1
                await sio.disconnect()
                return
            if not ack or not ack.get("ok"):
                refused[f"{'staff' if staff else 'candidate'}_follow:{(ack or {}).get('code', 'no_ack')}"] += 1
                await sio.disconnect()
                return
            if not staff:
                state = ack.get("state") or {}
                last_seq[booth] = max(last_seq.get(booth, 0), int(state.get("seq", 0)))
                followers[booth].append(sio)
            clients.append((sio, booth))

    began = time.time()
    await asyncio.gather(*(connect(c, b, True) for c, b in config["recruiters"]))
    await asyncio.gather(*(connect(c, b, False) for c, b in config["candidates"]))
    connected = sum(len(v) for v in followers.values())
    report.put({"index": config["index"], "phase": "connected", "connected": connected,
                "connect_s": round(time.time() - began, 1), "refused": dict(refused)})

    loop = asyncio.get_running_loop()
    start_at, seconds, per_booth_interval, chat_interval = await loop.run_in_executor(None, control.get)
    await asyncio.sleep(max(0.0, start_at - time.time()))
    arrivals.clear()
    drivers = [BoothDriver(b, followers[b], random.Random(b)) for b in config["drive"] if followers.get(b)]
    end_at = start_at + seconds

    async def drive(driver: BoothDriver) -> None:
        await asyncio.sleep(rng.random() * per_booth_interval)
        while time.time() < end_at:
            tick = time.time()
            await driver.change(last_seq, arrived, timeout=config["timeout"])
            await asyncio.sleep(max(0.0, per_booth_interval - (time.time() - tick)))

    chat_sent = [0]

    async def chatter() -> None:
        everyone = [(sio, booth) for booth, group in followers.items() for sio in group]
        if not everyone or chat_interval <= 0:
            return
        while time.time() < end_at:
            sio, booth = rng.choice(everyone)
            try:
                await sio.emit("chat_send", {"booth": booth, "text": "Bonjour, recrutez-vous des alternants ?"})
                chat_sent[0] += 1
            except Exception:
                refused["chat:error"] += 1
            await asyncio.sleep(chat_interval)

    await asyncio.gather(*(drive(d) for d in drivers), chatter())
    await asyncio.sleep(config["grace"])
    emits = [(d.booth, seq, sent) for d in drivers for seq, sent in d.emits]
    for d in drivers:
        for code, n in d.refused.items():
            refused[f"change:{code}"] += n
    followers_count = {b: len(v) for b, v in followers.items()}
    out = Path(config["out"])
    for reason in dropped:
        refused[f"dropped:{reason}"] += 1
    never_back = sum(1 for group in followers.values() for sio in group if sio.dropped_at is not None)
    out.write_text(json.dumps({"arrivals": arrivals, "emits": emits, "followers": followers_count,
                               "refused": dict(refused), "chat_sent": chat_sent[0], "chat_received": chat_received[0],
                               "comebacks": comebacks, "never_back": never_back}))
    report.put({"index": config["index"], "phase": "done", "out": str(out)})
    await loop.run_in_executor(None, control.get)  # stay connected until every process is done
    closing = True
    await asyncio.gather(*(sio.disconnect() for sio, _b in clients), return_exceptions=True)
    # The pool stays open: a client still trying to reconnect would trip over a closed one; the
    # process ends right after.
    await asyncio.gather(*(jar.close() for jar in jars), return_exceptions=True)


def client_process(config: dict[str, Any], control, report) -> None:
    raise_open_files()
    asyncio.run(run_clients(config, control, report))


# ---------------------------------------------------------------- one round against one server

class Servers:
    """The server processes of one round: Node's one process, `python wsgi.py`, or gunicorn arbiters
    whose workers serve the sockets (found again after one is killed and restarted). A thread reads
    their CPU time every half second, so a process killed under load still counts what it used."""

    def __init__(self, procs: list[subprocess.Popen], arbiters: bool, ports: list[int] | None = None,
                 proxy: subprocess.Popen | None = None) -> None:
        self.procs, self.arbiters, self.ports, self.proxy = procs, arbiters, ports or [], proxy
        self.cpu: dict[int, float] = {}
        self.first_pids: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def pids(self) -> list[int]:
        if not self.arbiters:
            return [p.pid for p in self.procs]
        found = []
        for proc in self.procs:
            try:
                children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
            except OSError:
                continue
            found.extend(int(c) for c in children[:1])
        return found

    def wait_ready(self) -> None:
        """Until each process has its worker and has answered a first request (the app is loaded)."""
        import urllib.request

        deadline = time.time() + 60
        while len(self.pids()) < len(self.procs) and time.time() < deadline:
            time.sleep(0.2)
        for port in self.ports:
            while time.time() < deadline:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).read()
                    break
                except OSError:
                    time.sleep(0.2)
        self.first_pids = self.pids()
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            self.read()

    def read(self) -> dict[int, float]:
        for pid in self.pids():
            try:
                self.cpu[pid] = cpu_seconds(pid)
            except (OSError, IndexError):
                pass
        return dict(self.cpu)

    def cpu_since(self, before: dict[int, float]) -> float:
        now = self.read()
        return sum(value - before.get(pid, 0.0) for pid, value in now.items())

    def rss(self) -> tuple[float, float]:
        rss = peak = 0.0
        for pid in self.pids():
            try:
                now, top = rss_mb(pid)
            except OSError:
                continue
            rss, peak = rss + now, peak + top
        return round(rss, 1), round(peak, 1)

    def sockets_per_process(self) -> list[int | None]:
        """`fair_socket_connections` of each node, read from its /metrics on loopback."""
        import urllib.request

        counts: list[int | None] = []
        for port in self.ports:
            try:
                text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
                line = next(x for x in text.splitlines() if x.startswith("fair_socket_connections"))
                counts.append(int(float(line.split()[-1])))
            except Exception:
                counts.append(None)
        return counts

    def stop(self) -> None:
        self._stop.set()
        for proc in [*self.procs, *([self.proxy] if self.proxy else [])]:
            terminate(proc, 20)


def run_round(name: str, url: str, seeded: dict[str, Any], args, work: Path, servers: Servers,
              with_staff: bool) -> dict[str, Any]:
    booths = seeded["booths"]
    candidates = seeded["candidates"]
    processes = max(1, math.ceil(len(candidates) / args.per_process))
    kill = bool(args.kill_one and name == "fair")
    server_pid = servers.pids()[0]
    connect_profiler = (start_profiler(server_pid, work / "profile-connect.txt")
                        if args.profile and name == "fair" else None)
    rss_idle = servers.rss()[0]
    ctx = mp.get_context("spawn")
    report = ctx.Queue()
    controls, procs = [], []
    for index in range(processes):
        mine = [(cookie, booths[n % len(booths)]) for n, cookie in enumerate(candidates) if n % processes == index]
        staff = [(cookie, booths[n]) for n, cookie in enumerate(seeded["recruiters"]) if n % processes == index]
        config = {"index": index, "url": url, "cookie_name": seeded["cookie_name"], "candidates": mine,
                  "recruiters": staff if with_staff else [],
                  "drive": [b for n, b in enumerate(booths) if n % processes == index],
                  "connect_concurrency": args.connect_concurrency, "timeout": args.timeout, "grace": args.grace,
                  "out": str(work / f"{name}-{index}.json"), "reconnect": kill, "sticky": name == "fair",
                  "deflate": args.deflate}
        control = ctx.Queue()
        proc = ctx.Process(target=client_process, args=(config, control, report), daemon=True)
        proc.start()
        controls.append(control)
        procs.append(proc)
    began = time.time()
    connected, refused = 0, defaultdict(int)
    for _ in range(processes):
        message = report.get(timeout=args.connect_timeout)
        connected += message["connected"]
        for key, n in message["refused"].items():
            refused[key] += n
    connect_s = time.time() - began
    rss_connected = servers.rss()[0]
    kb_per_client = round((rss_connected - rss_idle) * 1024 / connected, 1) if connected else None
    if connect_profiler is not None:
        stop_profile(connect_profiler, work / "profile-connect.txt", "connecting and following")
    print(f"# {name}: {connected}/{len(candidates)} connected and following in {connect_s:.1f}s "
          f"({processes} client processes), server RSS {rss_idle} MB idle, {rss_connected} MB connected "
          f"({kb_per_client} KB a client), sockets per process {servers.sockets_per_process()}, "
          f"refused {dict(refused)}", file=sys.stderr, flush=True)
    start_at = time.time() + 1.0
    cpu_before = servers.read()
    profiler = start_profiler(server_pid, work / "profile-load.txt") if args.profile and name == "fair" else None
    per_booth_interval = len(booths) / args.changes_per_s
    chat_interval = processes / args.chat_per_s if args.chat_per_s > 0 else 0
    for control in controls:
        control.put((start_at, args.seconds, per_booth_interval, chat_interval))
    killed: dict[str, Any] = {}
    if kill:
        # One web process dies under the load (SIGKILL: no goodbye to its sockets); gunicorn's arbiter
        # starts another in its place, and nginx sends the clients that come back to the live ones.
        time.sleep(max(0.0, start_at + args.kill_after - time.time()))
        victim = servers.pids()[0]
        killed = {"pid": victim, "at": time.time()}
        os.kill(victim, signal.SIGKILL)
        print(f"# {name}: killed web process {victim} after {args.kill_after}s of load", file=sys.stderr, flush=True)
    outs = []
    for _ in range(processes):
        message = report.get(timeout=args.seconds + args.grace + args.timeout * 2 + 120)
        outs.append(message["out"])
    rss_now, rss_peak = servers.rss()
    server_cpu = servers.cpu_since(cpu_before)
    per_process = servers.sockets_per_process()
    if profiler is not None:
        stop_profile(profiler, work / "profile-load.txt", "the load")
    for control in controls:
        control.put("stop")
    for proc in procs:
        proc.join(60)
        if proc.is_alive():
            proc.terminate()
    # Each process's file holds its refusals since it started, connections included.
    figures = summarise(name, outs, len(candidates), connected, rss_now, rss_peak, {}, args, server_cpu)
    figures.update(connect_s=round(connect_s, 1), rss_idle_mb=rss_idle, rss_connected_mb=rss_connected,
                   kb_per_client=kb_per_client, processes=len(servers.procs), sockets_per_process=per_process)
    if kill:
        figures["kill_one"] = storm(outs, killed, servers)
    return figures


def storm(outs: list[str], killed: dict[str, Any], servers: Servers) -> dict[str, Any]:
    """How the clients of the killed process came back: when the last one had the current state again,
    how many never did, and whether any other web process fell over meanwhile."""
    comebacks, never_back = [], 0
    for path in outs:
        data = json.loads(Path(path).read_text())
        comebacks.extend(data["comebacks"])
        never_back += data["never_back"]
    current = [back for dropped, back, fresh in comebacks if fresh]
    now = servers.pids()
    survivors = [pid for pid in servers.first_pids if pid != killed["pid"]]
    return {"dropped": len(comebacks) + never_back, "back": len(current),
            "back_stale": sum(1 for *_x, fresh in comebacks if not fresh), "never_back": never_back,
            "last_back_s": round(max(current) - killed["at"], 1) if current else None,
            "p50_back_s": round(sorted(current)[len(current) // 2] - killed["at"], 1) if current else None,
            "others_fell_over": sum(1 for pid in survivors if pid not in now),
            "restarted": len(now) == len(servers.procs) and killed["pid"] not in now}


def stop_profile(profiler: subprocess.Popen, path: Path, what: str) -> None:
    stop_profiler(profiler)
    print_profile(path, what)


def print_profile(path: Path, what: str, top: int = 25) -> None:
    """Where the server process spent its samples (py-spy raw stacks): inclusive share per function,
    over everything, then over the application's own lines (fair/…:line), which tell what to change."""
    if not path.exists():
        print("# profile: py-spy wrote nothing (is it installed? `pip install py-spy`)", file=sys.stderr)
        return
    functions: dict[str, int] = defaultdict(int)
    own_lines: dict[str, int] = defaultdict(int)
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for frame in {f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0] + ")" for f in frames}:
            functions[frame] += n
        for frame in {f for f in frames if "(fair/" in f or "/fair/" in f}:
            own_lines[frame] += n
    seconds = total / 200
    print(f"# profile of {what}: the server was busy {seconds:.1f}s (py-spy, idle time not sampled); "
          "inclusive share per function:", file=sys.stderr)
    for frame, n in sorted(functions.items(), key=lambda item: -item[1])[:top]:
        print(f"#   {100 * n / total:5.1f}%  {frame}", file=sys.stderr)
    print(f"# profile of {what}: the application's own lines:", file=sys.stderr)
    for frame, n in sorted(own_lines.items(), key=lambda item: -item[1])[:top]:
        print(f"#   {100 * n / total:5.1f}%  {frame}", file=sys.stderr)


def summarise(name: str, outs: list[str], clients: int, connected: int, rss_now: float, rss_peak: float,
              refused: dict[str, int], args, server_cpu: float) -> dict[str, Any]:
    emitted: dict[tuple[int, int], float] = {}
    arrivals: list[tuple[int, int, float]] = []
    followers: dict[int, int] = defaultdict(int)
    chat_sent = chat_received = 0
    for path in outs:
        data = json.loads(Path(path).read_text())
        for booth, seq, sent in data["emits"]:
            emitted[(booth, seq)] = sent
        arrivals.extend(tuple(a) for a in data["arrivals"])
        for booth, n in data["followers"].items():
            followers[int(booth)] += n
        for key, n in data["refused"].items():
            refused[key] = refused.get(key, 0) + n
        chat_sent += data["chat_sent"]
        chat_received += data["chat_received"]
    latencies = sorted((arrived - emitted[(booth, seq)]) * 1000 for booth, seq, arrived in arrivals
                       if (booth, seq) in emitted)
    expected = sum(followers[booth] for booth, _seq in emitted)

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 1) if latencies else float("nan")

    figures = {"name": name, "clients": clients, "connected": connected, "changes": len(emitted),
               "changes_per_s": round(len(emitted) / args.seconds, 1), "deliveries": len(latencies),
               "expected_deliveries": expected, "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99),
               "max_ms": round(latencies[-1], 1) if latencies else float("nan"),
               "server_cpu_s": round(server_cpu, 1),
               # The server's CPU per queue change, its chat messages and every delivery included.
               "cpu_ms_per_change": round(1000 * server_cpu / len(emitted), 1) if emitted else None,
               "rss_mb": rss_now, "rss_peak_mb": rss_peak, "chat_sent": chat_sent, "chat_received": chat_received,
               "refused": dict(refused), "delivered": len(latencies),
               "timed_out": {"changes": sum(n for key, n in refused.items()
                                            if key in ("change:TimeoutError", "change:no_broadcast")),
                             "clients": clients - connected}}
    print(f"# {name}: {json.dumps(figures)}", file=sys.stderr, flush=True)
    return figures


# ---------------------------------------------------------------- servers

def start_ours(database_url: str, redis_url: str, work: Path, args) -> tuple[Servers, str]:
    """One `python wsgi.py` (or one gunicorn node with --gunicorn) on its port; with --processes N, N
    gunicorn nodes as `make serve` runs them (deploy/gunicorn.conf.py) behind nginx (fair/ops/nginx.py)."""
    env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, SECRET_KEY=SECRET_KEY,
               FAIR_INSTANCE_PATH=str(work / "instance"), HOST="127.0.0.1", MAIL_URL="", LIVE_QUEUE_MAX="1000",
               GUNICORN_WORKER_CONNECTIONS="20000")
    if args.processes:
        from fair.ops.nginx import render_site
        from tests.servers import start_nginx

        ports, front = [free_port() for _ in range(args.processes)], free_port()
        procs = []
        for n, port in enumerate(ports):
            node_env = dict(env, PORT=str(port), NODE_NAME=f"bench-{n}", TRUSTED_PROXIES="1",
                            BASE_URL=f"http://127.0.0.1:{front}")
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "wsgi:app"],
                cwd=ROOT, env=node_env, stdout=open(work / f"server{n}.log", "wb"), stderr=subprocess.STDOUT,
                preexec_fn=raise_open_files))
        for port in ports:
            wait_for_port(port, timeout=60)
        # Two connections a socket (the client's, the node's), over as many nginx workers as cores.
        proxy = start_nginx(work / "nginx", render_site(ports, front), front, log=open(work / "nginx.log", "wb"),
                            worker_processes=os.cpu_count() or 1,
                            worker_connections=max(4096, 3 * args.clients // (os.cpu_count() or 1)))
        servers = Servers(procs, arbiters=True, ports=ports, proxy=proxy)
        servers.wait_ready()
        return servers, f"http://127.0.0.1:{front}"
    port = free_port()
    env.update(BASE_URL=f"http://127.0.0.1:{port}", PORT=str(port))
    log = open(work / "server.log", "wb")
    if args.gunicorn:
        command = [str(Path(sys.executable).parent / "gunicorn"), "-k", "gevent", "-w", "1", "--no-control-socket",
                   "--worker-connections", "20000", "--bind", f"127.0.0.1:{port}", "wsgi:app"]
    else:
        command = [sys.executable, "wsgi.py"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              preexec_fn=raise_open_files)
    wait_for_port(port, timeout=60)
    servers = Servers([server], arbiters=args.gunicorn, ports=[port])
    servers.wait_ready()
    return servers, f"http://127.0.0.1:{port}"


def start_node(work: Path) -> tuple[Servers, str]:
    if not (NODE_DIR / "node_modules" / "socket.io").exists():
        subprocess.run(["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True)
    port = free_port()
    log = open(work / "node.log", "wb")
    server = subprocess.Popen(["node", "reference_server.mjs", str(port)], cwd=NODE_DIR, stdout=log,
                              stderr=subprocess.STDOUT, preexec_fn=raise_open_files)
    wait_for_port(port, timeout=30)
    servers = Servers([server], arbiters=False)
    servers.wait_ready()
    return servers, f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=2000, help="candidates following a booth")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the load")
    parser.add_argument("--changes-per-s", type=float, default=25.0, help="queue changes per second over the fair")
    parser.add_argument("--chat-per-s", type=float, default=5.0, help="chat messages per second over the fair")
    parser.add_argument("--per-process", type=int, default=1250, help="clients per client process")
    parser.add_argument("--connect-concurrency", type=int, default=20, help="connections opened at once per process")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for an ack or a broadcast")
    parser.add_argument("--grace", type=float, default=3.0, help="seconds to wait for late deliveries")
    parser.add_argument("--connect-timeout", type=float, default=900.0)
    parser.add_argument("--postgres", action="store_true", help="a throw-away PostgreSQL cluster instead of SQLite")
    parser.add_argument("--gunicorn", action="store_true", help="gunicorn -k gevent -w 1 instead of python wsgi.py")
    parser.add_argument("--processes", type=int, default=0,
                        help="N gunicorn gevent nodes behind nginx (as `make serve` runs them) instead of one process")
    parser.add_argument("--kill-one", action="store_true",
                        help="SIGKILL one web process under the load; its clients reconnect (with --processes)")
    parser.add_argument("--kill-after", type=float, default=5.0, help="seconds of load before --kill-one kills")
    parser.add_argument("--deflate", action="store_true",
                        help="clients offer permessage-deflate in the websocket handshake, as browsers do")
    parser.add_argument("--skip-node", action="store_true")
    parser.add_argument("--skip-ours", action="store_true")
    parser.add_argument("--profile", action="store_true", help="sample our server with py-spy during the load")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, raw figures)")
    args = parser.parse_args()
    raise_open_files()
    # A `timeout` or Ctrl-C still stops every server and client process this run started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="fair-bench-live-"))
    load_before = os.getloadavg()
    valkey = ValkeyProcess(work / "valkey").start()
    cluster = PostgresCluster().start() if args.postgres else None
    ours = node = None
    try:
        database_url = cluster.create_database("bench_live") if cluster else f"sqlite:///{work / 'bench.sqlite3'}"
        began = time.time()
        seeded = seed(database_url, valkey.url, args.clients, work)
        print(f"# seeded {args.clients} candidates and {BOOTHS} booths in {time.time() - began:.1f}s "
              f"({'postgresql' if cluster else 'sqlite'}); load {args.changes_per_s} queue changes/s, "
              f"{args.chat_per_s} chat messages/s for {args.seconds}s; load average {os.getloadavg()}",
              file=sys.stderr, flush=True)
        if not args.skip_ours:
            servers, url = start_ours(database_url, valkey.url, work, args)
            try:
                ours = run_round("fair", url, seeded, args, work, servers, True)
            finally:
                servers.stop()
        if not args.skip_node:
            servers, url = start_node(work)
            try:
                node = run_round("node", url, seeded, args, work, servers, False)
            finally:
                servers.stop()
    finally:
        if cluster:
            cluster.stop()
        valkey.stop()
        if args.keep:
            print(f"# raw figures and logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    main_figures = ours or node
    node_p99 = node["p99_ms"] if node else None
    shown = ("connect_s", "p50_ms", "p99_ms", "cpu_ms_per_change", "timed_out", "delivered", "expected_deliveries",
             "rss_mb", "kb_per_client", "processes", "sockets_per_process", "kill_one")

    def ratio(key: str) -> float | None:
        return round(ours[key] / node[key], 2) if ours and node and ours.get(key) and node.get(key) else None

    print(json.dumps({
        "clients": args.clients, "connected": main_figures["connected"], "p50_ms": main_figures["p50_ms"],
        "p99_ms": main_figures["p99_ms"], "rss_mb": main_figures["rss_mb"], "node_p99_ms": node_p99,
        "ratio_p99": ratio("p99_ms"), "ratio_cpu": ratio("cpu_ms_per_change"),
        "database": "postgresql" if args.postgres else "sqlite", "load_average": [load_before, os.getloadavg()],
        "fair": {k: ours[k] for k in shown if k in ours} if ours else None,
        "node": {k: node[k] for k in shown if k in node} if node else None,
    }))

if __name__ == "__main__":
    main()
