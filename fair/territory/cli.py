"""`flask fair import-qpv` and `flask fair geocode-profiles`, registered by fair/cli.py."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from fair.db import db
from fair.territory import qpv
from fair.territory.jobs import place_pending


@click.command("import-qpv")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_qpv_command(path: Path) -> None:
    """Replace the QPV boundaries by those of a GeoJSON file (WGS84 lon/lat), in one transaction."""
    try:
        zones = qpv.parse_boundaries(path.read_bytes())
    except qpv.QpvFileError as error:
        raise click.ClickException(f"{path.name}: {error}. Nothing was changed.") from None
    before = (qpv.boundaries_version(db.session) or (0, ""))[0]
    try:
        count = qpv.replace_zones(db.session, zones)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    polygons = sum(len(getattr(z.geometry, "geoms", [z.geometry])) for z in zones)
    click.echo(f"imported {count} zones ({polygons} polygons) from {path.name}; {before} zones replaced")
    if not current_app.config.get("GEOCODER_URL"):
        click.echo("GEOCODER_URL is empty: addresses are not placed; the self-declared answers stand")
    else:
        click.echo("profiles never placed are placed by `flask fair geocode-profiles` (or the periodic job)")


@click.command("geocode-profiles")
@click.option("--limit", type=int, default=None, help="At most this many profiles.")
@click.option("--all", "everyone", is_flag=True, help="Every profile with an address, placed before or not.")
def geocode_profiles_command(limit: int | None, everyone: bool) -> None:
    """Place in or out of a QPV the addresses never placed, in batches, at the geocoder's rate."""
    if not current_app.config.get("GEOCODER_URL"):
        raise click.ClickException("GEOCODER_URL is empty: there is no geocoder to ask")
    if qpv.boundaries_version(db.session) is None:
        raise click.ClickException("no QPV boundary is imported: run `flask fair import-qpv <file.geojson>` first")
    counts = place_pending(limit, everyone=everyone)
    click.echo("  ".join(f"{name} {value}" for name, value in counts.items()))
