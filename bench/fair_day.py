"""Benchmark: a fair day compressed, against two web nodes behind nginx (PostgreSQL + Valkey).

It starts what production runs (tests/ops/cluster.py: a throw-away PostgreSQL cluster, Valkey,
aiosmtpd, two gunicorn nodes from deploy/gunicorn.conf.py, Debian's nginx with deploy/nginx/fair.conf,
one `python -m workers worker --no-fork`), seeds a live fair (`--booths` booths with a recruiter, offers
and interview slots each) and `--users` candidates, then runs, at the same time:

- **HTTP** (`--concurrency` threads through nginx): `--registrations` people create an account
  through the real form (Argon2, confirmation mail); every other candidate opens the fair page, a
  booth, an offer; 30 % apply to it (form + POST), 20 % book an interview slot (a different slot each:
  booking races are bench/booking_burst.py's subject). Seeded candidates are signed in with a
  session cookie made by the app's serializer (no 2,000 Argon2 logins).
- **Sockets** (`--socket-users` python-socketio clients in another process, spread over both nodes
  by nginx's sticky cookie): each follows a booth; for the length of the HTTP load they join queues
  and post chat messages. A delivery = a chat message reaching one follower of its booth, timed from
  the send (same process, same clock), p50/p99 over all deliveries.

Errors count every HTTP answer other than the expected one, every failed request, socket connection
or refused acknowledgement; it must be 0. Mail sent = messages aiosmtpd received once the outbox has
drained (confirmations and both invitations of each booking). The last line is one JSON object:
{"load_average_at_start", "users", "requests", "requests_per_s", "page_p50_ms", "page_p99_ms", "socket_clients",
 "deliveries", "delivery_p50_ms", "delivery_p99_ms", "errors", "mail_sent", ..., "load_average_at_end"}

    .venv/bin/python bench/fair_day.py [--users 2000] [--registrations 100] [--socket-users 400]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import random
import re
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ops.cluster import PASSWORD, Cluster, wait_until  # noqa: E402

SLUG = "salon-journee"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


# ---------------------------------------------------------------- set-up (not timed)

def seed(cluster: Cluster, users: int, booths: int, offers_per_booth: int) -> dict[str, Any]:
    from argon2 import PasswordHasher

    from fair.accounts.models import Membership, Organisation, OrganisationKind, User
    from fair.companies.models import Booth, ContractType, Offer, RemoteMode
    from fair.db import utcnow
    from fair.extensions import db
    from fair.fairs.models import Edition, EditionStatus
    from fair.jobdating.models import SlotMode
    from fair.jobdating.services import open_availability

    app = cluster.app()
    with app.app_context():
        s = db.session
        cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)  # never used to log in
        start = dt.datetime(2030, 3, 12, 7, 0, tzinfo=dt.timezone.utc)
        organiser = Organisation(kind=OrganisationKind.organiser, name="Métropole Emploi")
        edition = Edition(organiser=organiser, slug=SLUG, title="Rencontres pour l'emploi", starts_at=start,
                          ends_at=start + dt.timedelta(hours=10), registration_opens_at=start - dt.timedelta(days=3650),
                          registration_closes_at=start, status=EditionStatus.live, max_bookings_per_candidate=4)
        s.add(edition)
        s.flush()
        booth_ids, offer_ids, slot_ids = [], [], []
        for n in range(booths):
            company = Organisation(kind=OrganisationKind.company, name=f"Entreprise {n}")
            recruiter = User(email=f"recruteur{n}@journee.example.org", password_hash=cheap,
                             full_name=f"Recruteur {n}", security_stamp=f"r{n}", email_confirmed_at=utcnow())
            booth = Booth(edition=edition, company=company, pitch=f"L'entreprise {n} recrute")
            s.add_all([company, recruiter, Membership(user=recruiter, organisation=company), booth])
            s.flush()
            booth_ids.append(booth.id)
            for k in range(offers_per_booth):
                offer = Offer(booth=booth, title=f"Poste {n}-{k}", contract_type=ContractType("cdi"), place="Lille",
                              remote=RemoteMode("none"), description="Une offre de la journée")
                s.add(offer)
                s.flush()
                offer_ids.append((booth.id, offer.id))
            availability = open_availability(s, booth=booth, recruiter_id=recruiter.id, mode=SlotMode.video,
                                             starts_at=start + dt.timedelta(hours=1),
                                             ends_at=start + dt.timedelta(hours=9), slot_minutes=20,
                                             buffer_minutes=0, location="https://visio.example.org/j")
            slot_ids += [(booth.id, slot.id) for slot in availability.slots]
        people = [User(email=f"candidat{n}@journee.example.org", password_hash=cheap, full_name=f"Candidat {n}",
                       security_stamp=f"c{n}", email_confirmed_at=utcnow()) for n in range(users)]
        s.add_all(people)
        s.commit()
        cookies = [cluster.cookie(app, user) for user in people]
        db.session.remove()
        db.engine.dispose()
    return {"booths": booth_ids, "offers": offer_ids, "slots": slot_ids, "cookies": cookies}


# ---------------------------------------------------------------- HTTP load

class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pages: list[float] = []
        self.requests = 0
        self.errors: list[str] = []

    def call(self, http: requests.Session, method: str, url: str, expect: tuple[int, ...], page: bool = False,
             **kwargs) -> requests.Response | None:
        started = time.perf_counter()
        try:
            answer = http.request(method, url, timeout=120, allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            with self.lock:
                self.requests += 1
                self.errors.append(f"{method} {url}: {exc}")
            return None
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.requests += 1
            if page:
                self.pages.append(elapsed)
            if answer.status_code not in expect:
                self.errors.append(f"{method} {url}: {answer.status_code}")
        return answer


def _token(answer: requests.Response | None) -> str:
    if answer is None:
        return ""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', answer.text) or \
        re.search(r'name="csrf_token" value="([^"]+)"', answer.text)
    return match.group(1) if match else ""


def browser(cookie: str | None) -> requests.Session:
    http = requests.Session()
    http.cookies.set("fair_node", uuid.uuid4().hex, domain="127.0.0.1", path="/")
    if cookie:
        http.cookies.set("session", cookie, domain="127.0.0.1", path="/")
    return http


def register(base: str, rec: Recorder, n: int) -> None:
    http = browser(None)
    token = _token(rec.call(http, "GET", f"{base}/register", (200,), page=True))
    rec.call(http, "POST", f"{base}/register", (302,), data={
        "csrf_token": token, "full_name": f"Inscrit {n}", "email": f"inscrit{n}@journee.example.org",
        "phone": "", "password": PASSWORD, "confirm_password": PASSWORD, "locale": "fr"})


def visit(base: str, rec: Recorder, cookie: str, booth: int, offer: int, slot: int | None, applies: bool) -> None:
    http = browser(cookie)
    rec.call(http, "GET", f"{base}/fairs/{SLUG}", (200,), page=True)
    rec.call(http, "GET", f"{base}/fairs/{SLUG}/booths/{booth}", (200,), page=True)
    rec.call(http, "GET", f"{base}/fairs/{SLUG}/offers/{offer}", (200,), page=True)
    if applies:
        token = _token(rec.call(http, "GET", f"{base}/candidate/offers/{offer}/apply", (200,), page=True))
        rec.call(http, "POST", f"{base}/candidate/offers/{offer}/apply", (302, 303),
                 data={"csrf_token": token, "cv_id": "", "message": "Bonjour, je suis disponible."})
    if slot is not None:
        token = _token(rec.call(http, "GET", f"{base}/fairs/{SLUG}/booths/{booth}/interviews", (200,), page=True))
        rec.call(http, "POST", f"{base}/interviews/slots/{slot}/book", (302,), data={"csrf_token": token})


# ---------------------------------------------------------------- sockets (another process)

def socket_load(base: str, cookies: list[str], booths: list[int], ready, go, done, out) -> None:
    """Clients behave like the booth page: on every (re)connection they follow the booth again and
    take the chat history from the state, so a message missed while offline still reaches them
    (counted as a delivery when it arrives that way, and the reconnection is counted)."""
    import asyncio

    import socketio

    async def main() -> dict[str, Any]:
        sent: dict[str, tuple[float, int]] = {}
        deliveries: list[float] = []
        errors: list[str] = []
        followers: dict[int, int] = {}
        clients: list[tuple[Any, int, set]] = []
        counts = {"connects": 0, "via_history": 0}
        token_in = re.compile(r"ref([0-9a-f]{12})")

        def delivered(seen: set, payload: dict, via_history: bool) -> None:
            match = token_in.search(str(payload.get("html") or payload.get("text") or ""))
            token = match.group(1) if match else ""
            if token in sent and token not in seen:
                seen.add(token)
                deliveries.append((time.time() - sent[token][0]) * 1000)
                counts["via_history"] += via_history

        async def one(n: int, cookie: str) -> None:
            client = socketio.AsyncClient(reconnection=True, reconnection_delay=1, reconnection_delay_max=5)
            booth = booths[n % len(booths)]
            seen: set[str] = set()
            followed = asyncio.Event()

            async def follow() -> None:
                try:
                    answer = await client.call("live_follow_booth", {"booth": booth}, timeout=60)
                except Exception as exc:
                    errors.append(f"follow: {exc!r}")
                    return
                if not answer.get("ok"):
                    errors.append(f"follow: {answer.get('code')}")
                    return
                for message in answer["state"].get("chat", []):
                    delivered(seen, message, True)
                followed.set()

            @client.on("connect")
            async def _connected():
                counts["connects"] += 1
                asyncio.ensure_future(follow())

            @client.on("chat_message")
            async def _message(data):
                delivered(seen, data, False)

            try:
                await client.connect(base, headers={"Cookie": f"session={cookie}; fair_node={uuid.uuid4().hex}"},
                                     transports=["websocket"], wait_timeout=60)
                await asyncio.wait_for(followed.wait(), 60)
            except Exception as exc:
                errors.append(f"connect: {exc!r}")
                return
            followers[booth] = followers.get(booth, 0) + 1
            clients.append((client, booth, seen))

        for start in range(0, len(cookies), 50):
            await asyncio.gather(*(one(n, c) for n, c in enumerate(cookies[start:start + 50], start)))
        ready.set()
        while not go.is_set():
            await asyncio.sleep(0.05)
        joined: set[int] = set()
        expected = 0
        pending: set = set()

        async def act(client, event: str, data: dict, ok_codes: tuple[str, ...] = ()) -> None:
            for _attempt in range(2):  # like a person whose page was offline: once more after reconnecting
                if not client.connected:
                    for _ in range(120):
                        if client.connected:
                            break
                        await asyncio.sleep(0.5)
                try:
                    answer = await client.call(event, data, timeout=60)
                except socketio.exceptions.BadNamespaceError:
                    continue
                except Exception as exc:
                    errors.append(f"{event}: {exc!r}")
                    return
                if not answer.get("ok") and answer.get("code") not in ok_codes:
                    errors.append(f"{event}: {answer.get('code')}")
                return
            errors.append(f"{event}: not connected")

        def later(coroutine) -> None:
            task = asyncio.ensure_future(coroutine)
            pending.add(task)
            task.add_done_callback(pending.discard)

        while not done.is_set():  # about 5 chat messages and 2 queue joins a second over the fair
            client, booth, _seen = random.choice(clients)
            token = uuid.uuid4().hex[:12]
            sent[token] = (time.time(), booth)
            expected += followers[booth]
            later(act(client, "chat_send", {"booth": booth, "text": f"Bonjour à tous ref{token}"}))
            index = random.randrange(len(clients))
            if index not in joined and random.random() < 0.4:
                joined.add(index)
                later(act(clients[index][0], "queue_join", {"booth": clients[index][1]}, ("full",)))
            await asyncio.sleep(0.2)
        if pending:
            await asyncio.wait(pending, timeout=120)
        # Anyone who was offline at the end catches up as the page would, from the booth's state.
        await asyncio.sleep(3)
        async def catch_up(client, booth: int, seen: set) -> None:
            if len(seen) >= sum(1 for _at, b in sent.values() if b == booth):
                return
            try:
                answer = await client.call("live_follow_booth", {"booth": booth}, timeout=60)
                for message in answer.get("state", {}).get("chat", []):
                    delivered(seen, message, True)
            except Exception as exc:
                errors.append(f"final follow: {exc!r}")

        await asyncio.gather(*(catch_up(*entry) for entry in clients))
        for client, _booth, _seen in clients:
            await client.disconnect()
        return {"clients": len(clients), "deliveries": deliveries, "expected": expected, "errors": errors,
                "messages": len(sent), "queue_joins": len(joined),
                "reconnections": counts["connects"] - len(clients), "via_history": counts["via_history"]}

    out.put(asyncio.run(main()))


# ---------------------------------------------------------------- the day

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--registrations", type=int, default=100)
    parser.add_argument("--socket-users", type=int, default=400)
    parser.add_argument("--booths", type=int, default=20)
    parser.add_argument("--offers-per-booth", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=24)
    args = parser.parse_args()
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's line per SMTP command
    load_average = [round(x, 2) for x in os.getloadavg()]

    # Every registration comes from the load generator's one address: a fair's come from many networks,
    # so the per-network limit (30 an hour) would refuse all but the first 30 (the nodes read os.environ).
    os.environ.setdefault("REGISTER_NETWORK_RATE_LIMIT", f"{10 * args.registrations + 100} per hour")
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="fair-day-")), nodes=2, workers=1, with_nginx=True).start()
    ctx = mp.get_context("spawn")
    try:
        world = seed(cluster, args.users, args.booths, args.offers_per_booth)
        cluster.start_nodes()
        cluster.start_nginx(debug_upstream=False)
        cluster.start_worker("--no-fork")
        base = cluster.base_url
        print(f"fair day: {args.users} candidates, {args.booths} booths, two nodes behind nginx", file=sys.stderr)

        ready, go, done, out = ctx.Event(), ctx.Event(), ctx.Event(), ctx.Queue()
        sockets = ctx.Process(target=socket_load, args=(base, world["cookies"][:args.socket_users], world["booths"],
                                                        ready, go, done, out))
        sockets.start()
        if not ready.wait(300):
            raise RuntimeError("the socket clients did not connect")

        rec = Recorder()
        rng = random.Random(2026)
        slots = list(world["slots"])
        rng.shuffle(slots)
        jobs = []
        for _n, cookie in enumerate(world["cookies"]):
            booth, offer = rng.choice(world["offers"])
            slot = None
            if rng.random() < 0.2 and slots:
                booth, slot = slots.pop()
                offer = next(o for b, o in world["offers"] if b == booth)
            jobs.append((cookie, booth, offer, slot, rng.random() < 0.3))
        go.set()
        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            futures = [pool.submit(register, base, rec, n) for n in range(args.registrations)]
            futures += [pool.submit(visit, base, rec, *job) for job in jobs]
            for future in futures:
                future.result()
        http_seconds = time.perf_counter() - started
        done.set()
        socket_stats = out.get(timeout=900)
        sockets.join(30)

        bookings = sum(1 for job in jobs if job[3] is not None)
        expected_mail = args.registrations + 2 * bookings
        try:
            wait_until(lambda: len(cluster.smtp.messages) >= expected_mail and not cluster.sql(
                "SELECT 1 FROM outbox_messages WHERE status IN ('queued', 'sending') LIMIT 1"), 300, "mail drained")
        except AssertionError as exc:
            rec.errors.append(str(exc))
        errors = rec.errors + socket_stats["errors"]
        missing = socket_stats["expected"] - len(socket_stats["deliveries"])
        if missing:
            errors.append(f"{missing} chat deliveries missing")
        for line in errors[:20]:
            print(f"error: {line}", file=sys.stderr)
        result = {
            "load_average_at_start": load_average,
            "users": args.users + args.registrations,
            "registrations": args.registrations,
            "bookings": bookings,
            "requests": rec.requests,
            "requests_per_s": round(rec.requests / http_seconds, 1),
            "page_p50_ms": percentile(rec.pages, 0.50),
            "page_p99_ms": percentile(rec.pages, 0.99),
            "socket_clients": socket_stats["clients"],
            "chat_messages": socket_stats["messages"],
            "queue_joins": socket_stats["queue_joins"],
            "deliveries": len(socket_stats["deliveries"]),
            "socket_reconnections": socket_stats["reconnections"],
            "deliveries_after_reconnecting": socket_stats["via_history"],
            "delivery_p50_ms": percentile(socket_stats["deliveries"], 0.50),
            "delivery_p99_ms": percentile(socket_stats["deliveries"], 0.99),
            "errors": len(errors),
            "mail_sent": len(cluster.smtp.messages),
            "seconds": round(http_seconds, 1),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        }
        print(json.dumps(result))
        return 0 if not errors else 1
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
