"""Health, readiness, metrics, request ids, JSON logs and the "retry later" page, in one process."""
from __future__ import annotations

import json
import logging

import pytest

from tests.conftest import login
from tests.servers import free_port


def test_healthz_answers_without_touching_the_database_or_redis(app, client):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_when_the_database_and_redis_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok"}


def test_readyz_names_redis_when_it_does_not_answer(app, client):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["redis"]
    assert body["checks"]["database"] == "ok"
    assert response.headers["Retry-After"]


def test_readyz_names_the_database_when_it_does_not_answer(valkey, smtp, tmp_path):
    from fair import create_app

    port = free_port()
    broken = create_app({"DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/nowhere",
                         "REDIS_URL": valkey.url, "MAIL_URL": smtp.url, "SECRET_KEY": "x",
                         "INSTANCE_PATH": str(tmp_path), "TESTING": True})
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["database"]
    assert response.get_json()["checks"]["redis"] == "ok"


def test_metrics_count_requests_sockets_queues_and_the_outbox(app, client, session, factory):
    from fair.mail.outbox import queue_mail

    user = factory.user(email="reader@example.org")
    assert client.get("/").status_code == 200
    client.get("/no-such-page")
    queue_mail(session, to=user.email, template="confirm_email", locale="fr",
               context={"user": user, "link": "http://fair.test/x"}, key="ops-metrics-1")
    from fair.jobs import HeldJob

    session.add(HeldJob(queue="default", func="fair.jobdating.jobs.sync_booking_calendar", args=[1], kwargs={}))
    session.commit()
    text = client.get("/metrics").get_data(as_text=True)
    assert 'fair_http_requests_total{endpoint="public.home",method="GET",status="200"} 1.0' in text
    assert 'fair_http_requests_total{endpoint="unmatched",method="GET",status="404"} 1.0' in text
    assert 'fair_http_request_seconds_bucket{endpoint="public.home",le="+Inf",method="GET"} 1.0' in text
    assert "fair_socket_connections 0.0" in text
    assert 'fair_rq_queue_length{queue="mail"} 1.0' in text  # the send job of the row just queued
    assert 'fair_rq_failed_jobs{queue="mail"} 0.0' in text
    assert 'fair_outbox_messages{status="queued"} 1.0' in text
    assert "fair_held_jobs 1.0" in text  # a job kept in the database while Redis was down
    assert "fair_redis_up 1.0" in text


def test_metrics_are_hidden_from_other_hosts_without_the_token(app, client):
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=remote).status_code == 404
    app.config["METRICS_TOKEN"] = "s3cret-token"
    assert client.get("/metrics", environ_base=remote,
                      headers={"Authorization": "Bearer wrong"}).status_code == 404
    response = client.get("/metrics", environ_base=remote, headers={"Authorization": "Bearer s3cret-token"})
    assert response.status_code == 200
    assert "fair_http_requests_total" in response.get_data(as_text=True)


def test_request_id_is_taken_from_the_proxy_or_made_and_echoed(client):
    given = client.get("/healthz", headers={"X-Request-ID": "nginx-42abc"})
    assert given.headers["X-Request-ID"] == "nginx-42abc"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert made.headers["X-Request-ID"] != "bad id with spaces"
    assert len(made.headers["X-Request-ID"]) == 32


def test_log_lines_are_json_with_the_request_id():
    from flask import Flask, g

    from fair.ops.logs import ContextFilter, JsonFormatter

    record = logging.LogRecord("fair.test", logging.WARNING, __file__, 1, "booking %s refused", (7,), None)
    app = Flask(__name__)
    with app.test_request_context("/"):
        g.request_id = "req-1"
        ContextFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "booking 7 refused"
    assert entry["request_id"] == "req-1"
    assert entry["level"] == "WARNING"


def test_a_job_logs_its_job_id(app, valkey):
    """A job's log lines carry its RQ job id (run by RQ's own worker against the real Valkey)."""
    from rq import Queue, SimpleWorker

    from fair.redis_conn import get_redis

    queue = Queue("default", connection=get_redis())
    job = queue.enqueue("tests.ops.jobs.log_something")
    SimpleWorker(["default"], connection=get_redis()).work(burst=True, logging_level="WARNING")
    job.refresh()
    assert job.return_value() == job.id


@pytest.mark.parametrize("lang,words", [("fr", "Service momentanément indisponible"),
                                        ("en", "Service briefly unavailable")])
def test_a_lost_database_connection_gives_a_translated_retry_later_page(app, client, lang, words):
    from sqlalchemy.exc import OperationalError

    @app.route("/ops-test/lost-database")
    def lost_database():
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    client.set_cookie("lang", lang)
    response = client.get("/ops-test/lost-database")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    assert words in response.get_data(as_text=True)


def test_pages_still_answer_when_the_rate_limit_store_is_down(app_config, valkey):
    """Login has a rate limit kept in Redis: with Redis gone it falls back to memory, the page works."""
    import uuid

    from fair import create_app
    from fair.extensions import db
    from tests.conftest import Factory, _OwnContextClient

    down = create_app(dict(app_config, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"))
    down.test_client_class = _OwnContextClient
    email = f"limited-{uuid.uuid4().hex[:8]}@example.org"
    with down.app_context():
        Factory(db.session).user(email=email)
        client = down.test_client()
        login(client, email)
        assert client.get("/candidate/").status_code == 200
        db.session.remove()
        db.engine.dispose()
