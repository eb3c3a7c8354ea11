"""`flask fair …` commands: the worker (with the app context), the demo data."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

fair_cli = AppGroup("fair", help="fair's own commands.")


@fair_cli.command("worker")
@click.option("--queues", default="mail,default,bulk", show_default=True, help="Comma-separated queue names.")
@click.option("--burst", is_flag=True, help="Stop once the queues are empty.")
@click.option("--with-scheduler", is_flag=True, help="Also run RQ's scheduler (timed jobs and retries).")
@click.option("--fork/--no-fork", default=True, show_default=True,
              help="Run each job in a forked work horse (isolated), or in the worker itself (fast: for "
                   "the mail and bulk queues, whose jobs send many messages over one connection).")
def worker_command(queues: str, burst: bool, with_scheduler: bool, fork: bool) -> None:
    """Run an RQ worker whose jobs see this app's configuration."""
    from fair.ops.resilience import run_worker

    app = current_app._get_current_object()
    import workers.app as job_app_module

    job_app_module._app = app  # jobs reuse this app instead of building another
    # Outlives a Redis outage (and catches the outbox up when Redis is back); SIGTERM lets the
    # current job finish before the process exits.
    run_worker(app, [q.strip() for q in queues.split(",") if q.strip()], burst=burst,
               with_scheduler=with_scheduler, fork=fork)


@fair_cli.command("scheduler")
@click.option("--queues", default="mail,default,bulk", show_default=True, help="Comma-separated queue names.")
def scheduler_command(queues: str) -> None:
    """Run RQ's scheduler alone (timed jobs and retries), for a worker fleet started without it."""
    from fair.ops.resilience import run_scheduler

    run_scheduler(current_app._get_current_object(), [q.strip() for q in queues.split(",") if q.strip()])


@fair_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database holds no edition yet.")
def demo_command(if_empty: bool) -> None:
    """Load the demo fair and its logins."""
    from fair.demo import load_demo

    created = load_demo(only_if_empty=if_empty)
    click.echo("demo data loaded" if created else "demo data already present")


@fair_cli.command("migrate")
def migrate_command() -> None:
    """Apply every pending database migration."""
    from fair.migrate import upgrade

    upgrade(current_app.config["DATABASE_URL"])
    click.echo("database is up to date")


def init_app(app: Flask) -> None:
    app.cli.add_command(fair_cli)
