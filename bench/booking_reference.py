"""The bare reference of bench/booking_burst.py: the same booking transaction with nothing around it.

A WSGI app of a few lines served as `python wsgi.py` serves fair (gevent's `pywsgi.WSGIServer`, one
process, the standard library patched, psycopg2 made cooperative by psycogreen, one log line per
request). `POST /api/jobdating/slots/<id>/bookings` with `{"candidate_id": N}` reads the slot and
inserts the active booking into the real `jobdating_bookings` table (made by fair's migrations, with
its partial unique index on a slot's active booking and, on PostgreSQL, the exclusion constraint on a
candidate's overlapping bookings), then commits: 201. When the database refuses the row: 409 with the
three free slots of the booth nearest in time, as fair answers. No session, no CSRF, no ORM, no rule
checked beyond what the database refuses. The same driver as fair (psycopg2, sqlite3), with the
same SQLite pragmas.

    python bench/booking_reference.py DATABASE_URL PORT
"""
from gevent import monkey

monkey.patch_all()

from psycogreen.gevent import patch_psycopg  # noqa: E402

patch_psycopg()

import datetime as dt  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

from gevent import pywsgi  # noqa: E402

BOOK = re.compile(r"/api/jobdating/slots/(\d+)/bookings")
SLOT_COLUMNS = "s.id, s.booth_id, s.edition_id, s.mode, s.starts_at, s.ends_at"


class Postgres:
    def __init__(self, url: str) -> None:
        import psycopg2
        import psycopg2.errors

        self.url, self.connect, self.refused = url, psycopg2.connect, psycopg2.IntegrityError
        self.idle: list = []
        self.now, self.param = "now()", "%s"
        self.nearest_order = "abs(extract(epoch FROM s.starts_at - t.starts_at))"

    def connection(self):
        return self.idle.pop() if self.idle else self.connect(self.url)

    def begin(self, cursor) -> None:
        pass  # psycopg2 opens the transaction at the first statement

    @staticmethod
    def when(value) -> str:
        return value.astimezone(dt.timezone.utc).isoformat()


class Sqlite(Postgres):
    def __init__(self, url: str) -> None:
        import sqlite3

        self.path, self.refused, self.idle = urlsplit(url).path[1:], sqlite3.IntegrityError, []
        self.now, self.param = "strftime('%Y-%m-%d %H:%M:%f', 'now')", "?"
        self.nearest_order = "abs(julianday(s.starts_at) - julianday(t.starts_at))"

    def connection(self):
        if self.idle:
            return self.idle.pop()
        import sqlite3

        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        for pragma in ("foreign_keys=ON", "journal_mode=WAL", "busy_timeout=30000"):
            connection.execute(f"PRAGMA {pragma}")
        return connection

    def begin(self, cursor) -> None:
        cursor.execute("BEGIN IMMEDIATE")

    @staticmethod
    def when(value) -> str:
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc).isoformat()


def make_app(db: Postgres):
    p = db.param
    insert = (f"INSERT INTO jobdating_bookings (slot_id, booth_id, edition_id, candidate_id, booked_by_id, "
              f"starts_at, ends_at, status, created_at, updated_at) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, "
              f"'active', {db.now}, {db.now})")
    nearest = (f"SELECT {SLOT_COLUMNS} FROM jobdating_slots s JOIN jobdating_slots t ON t.id = {p} "
               f"WHERE s.booth_id = t.booth_id AND s.id <> t.id AND NOT EXISTS (SELECT 1 FROM jobdating_bookings b "
               f"WHERE b.slot_id = s.id AND b.status = 'active') ORDER BY {db.nearest_order}, s.starts_at LIMIT 3")

    def slot_json(row) -> dict:
        return {"id": row[0], "booth_id": row[1], "mode": row[3], "starts_at": db.when(row[4]),
                "ends_at": db.when(row[5])}

    def answer(start_response, status: str, body: dict):
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def application(environ, start_response):
        match = BOOK.fullmatch(environ["PATH_INFO"])
        if match is None or environ["REQUEST_METHOD"] != "POST":
            return answer(start_response, "404 NOT FOUND", {"error": "not found"})
        length = int(environ.get("CONTENT_LENGTH") or 0)
        candidate_id = int(json.loads(environ["wsgi.input"].read(length) or b"{}")["candidate_id"])
        slot_id = int(match.group(1))
        connection = db.connection()
        cursor = connection.cursor()
        try:
            db.begin(cursor)
            cursor.execute(f"SELECT {SLOT_COLUMNS} FROM jobdating_slots s WHERE s.id = {p}", (slot_id,))
            slot = cursor.fetchone()
            if slot is None:
                connection.rollback()
                return answer(start_response, "404 NOT FOUND", {"error": "not found"})
            try:
                cursor.execute(insert + " RETURNING id", (slot_id, slot[1], slot[2], candidate_id, candidate_id,
                                                          slot[4], slot[5]))
                booking_id = cursor.fetchone()[0]
                connection.commit()
            except db.refused as error:
                connection.rollback()
                code = "overlap" if "overlap" in str(error) or "exclusion" in str(error).lower() else "slot_taken"
                cursor.execute(nearest, (slot_id,))
                rows = cursor.fetchall()
                connection.rollback()
                return answer(start_response, "409 CONFLICT", {"error": "refused", "code": code,
                                                               "nearest": [slot_json(r) for r in rows]})
            return answer(start_response, "201 CREATED", {"id": booking_id, "slot": slot_json(slot),
                                                          "status": "active"})
        finally:
            cursor.close()
            db.idle.append(connection)

    return application


def main() -> None:
    url, port = sys.argv[1], int(sys.argv[2])
    db = Sqlite(url) if url.startswith("sqlite") else Postgres(url)
    pywsgi.WSGIServer(("127.0.0.1", port), make_app(db), log="default").serve_forever()


if __name__ == "__main__":
    main()
