"""`flask fair …` commands: migrations, the demo data, background jobs (the worker itself is
`python -m workers`, outside the app)."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from fair import jobs
from fair.admin import services as admin_services
from fair.db import db
from fair.demo import load_demo
from fair.migrate import upgrade
from fair.territory.cli import geocode_profiles_command, import_qpv_command

fair_cli = AppGroup("fair", help="fair's own commands.")
fair_cli.add_command(import_qpv_command)
fair_cli.add_command(geocode_profiles_command)


@fair_cli.group("jobs", invoke_without_command=True)
@click.pass_context
def jobs_group(ctx: click.Context) -> None:
    """Background jobs: counts per queue (failed ones: `failed`, run them again: `retry`)."""
    if ctx.invoked_subcommand is None:
        redis_url = current_app.config["REDIS_URL"]
        for queue, counts in jobs.job_counts(redis_url).items():
            click.echo(f"{queue:8} " + "  ".join(f"{name} {count}" for name, count in counts.items()))
        click.echo(f"held in the database until Redis answers: {jobs.held_count(db.session)}")


@jobs_group.command("failed")
def jobs_failed_command() -> None:
    """List the jobs that failed for good (their retries spent), newest first."""
    failed = jobs.failed_jobs(current_app.config["REDIS_URL"])
    for item in failed:
        when = item.ended_at.isoformat(timespec="seconds") if item.ended_at else "?"
        click.echo(f"{item.id}  {item.queue}  {when}  {item.func}{item.args!r}  {item.error}")
    click.echo(f"{len(failed)} failed job(s)")


@jobs_group.command("retry")
@click.argument("job_ids", nargs=-1)
@click.option("--all", "retry_all", is_flag=True, help="Every failed job.")
def jobs_retry_command(job_ids: tuple[str, ...], retry_all: bool) -> None:
    """Put failed jobs back in their queue: they run once more."""
    if not job_ids and not retry_all:
        raise click.UsageError("name the jobs to retry, or pass --all")
    requeued = jobs.retry_failed(current_app.config["REDIS_URL"], None if retry_all else list(job_ids))
    for job_id in requeued:
        click.echo(f"requeued {job_id}")
    missing = set(job_ids) - set(requeued)
    if missing:
        raise click.ClickException(f"not among the failed jobs: {', '.join(sorted(missing))}")


@fair_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database holds no edition yet.")
def demo_command(if_empty: bool) -> None:
    """Load the demo fair and its logins (never in production: it creates accounts with a known password)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException(
            "refusing to load the demo fair: FAIR_ENV=production. The demo creates accounts whose "
            "password is public; load it only into a development or test database.")
    created = load_demo(only_if_empty=if_empty)
    click.echo("demo data loaded" if created else "demo data already present")


@fair_cli.command("migrate")
def migrate_command() -> None:
    """Apply every pending database migration."""
    upgrade(current_app.config["DATABASE_URL"])
    click.echo("database is up to date")


@fair_cli.command("create-admin")
@click.option("--email", required=True, help="The administrator's email address.")
@click.option("--name", "full_name", default=None, help="Their full name (for a new account).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the standard input (for scripts) instead of asking for it.")
def create_admin_command(email: str, full_name: str | None, password_stdin: bool) -> None:
    """Make EMAIL an administrator of the instance: an existing account keeps its password, a new one
    is created with the password typed twice (or read from stdin)."""
    with force_locale("en"):  # the shell speaks English, as the other commands do
        _create_admin(email, full_name, password_stdin)


def _create_admin(email: str, full_name: str | None, password_stdin: bool) -> None:
    try:
        email = admin_services.checked_email(email)
    except admin_services.AdminRefused as refused:
        raise click.ClickException(str(refused)) from refused
    password = None
    if admin_services.find_user(db.session, email) is None:
        password = _read_stdin_password() if password_stdin else _prompt_password()
    try:
        made = admin_services.create_admin(db.session, email=email, password=password, full_name=full_name)
    except admin_services.AdminRefused as refused:
        db.session.rollback()
        raise click.ClickException(f"{refused} No account was created.") from refused
    db.session.commit()
    if made.already_admin:
        click.echo(f"{made.user.email} is already an administrator: nothing changed")
    elif made.created:
        click.echo(f"administrator account created for {made.user.email}: log in and open /admin/")
    else:
        click.echo(f"{made.user.email} is now an administrator (their password is unchanged)")


def _read_stdin_password() -> str:
    """The first line of stdin, without its line ending (`printf '%s' "$PASSWORD" | flask fair ...`)."""
    return sys.stdin.readline().rstrip("\r\n")


def _prompt_password(attempts: int = 2) -> str:
    """Typed twice, hidden; two mismatches in a row give up rather than loop."""
    for _attempt in range(attempts):
        first = click.prompt("Password", hide_input=True)
        second = click.prompt("Password again", hide_input=True)
        if first == second:
            return first
        click.echo("The two passwords are not the same.", err=True)
    raise click.ClickException("The passwords typed did not match. No account was created.")


def init_app(app: Flask) -> None:
    app.cli.add_command(fair_cli)
