"""`python -m workers worker|scheduler`: the RQ processes, with this app's configuration.

They live here, not among the app's `flask fair` commands: the app factory never imports the
runtime that runs its jobs.
"""
from __future__ import annotations

import click

from fair import create_app
from fair.jobs import QUEUE_NAMES, use_app
from workers.runtime import run_scheduler, run_worker

QUEUES = ",".join(QUEUE_NAMES)


def _queues(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


@click.group()
def main() -> None:
    """fair's background processes."""


@main.command("worker")
@click.option("--queues", default=QUEUES, show_default=True, help="Comma-separated queue names.")
@click.option("--burst", is_flag=True, help="Stop once the queues are empty.")
@click.option("--with-scheduler", is_flag=True, help="Also run RQ's scheduler (timed jobs and retries).")
@click.option("--fork/--no-fork", default=True, show_default=True,
              help="Run each job in a forked work horse (isolated), or in the worker itself (fast: for "
                   "the mail and bulk queues, whose jobs send many messages over one connection).")
def worker_command(queues: str, burst: bool, with_scheduler: bool, fork: bool) -> None:
    """Run an RQ worker whose jobs see this app's configuration."""
    app = create_app()
    use_app(app)  # jobs reuse this app instead of building another
    run_worker(app, _queues(queues), burst=burst, with_scheduler=with_scheduler, fork=fork)


@main.command("scheduler")
@click.option("--queues", default=QUEUES, show_default=True, help="Comma-separated queue names.")
def scheduler_command(queues: str) -> None:
    """Run RQ's scheduler alone (timed jobs and retries), for a worker fleet started without it."""
    run_scheduler(create_app(), _queues(queues))


if __name__ == "__main__":
    main(prog_name="python -m workers")
