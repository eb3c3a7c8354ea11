"""Export pages in the permission matrix: an export, its progress, its JSON and its file open only for
the person who asked (404 for everyone else); "my exports" is every signed-in person's own list."""
from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select

from fair.accounts.models import User
from fair.clock import now
from fair.exports import services
from fair.exports.models import Export, ExportState
from tests.matrix import Check, only, signed_in

RA = "recruiter_a"
EXPECTED: dict[str, list[Check]] = {
    "export_files.mine": [Check("GET", lambda i: "/exports", signed_in(200))],
    "export_files.show": [
        Check("GET", lambda i: "/exports/{export_done_ra}".format(**i), only({RA: 200})),
        Check("GET", lambda i: "/exports/999999", only({})),
    ],
    "export_files.status": [
        Check("GET", lambda i: "/exports/{export_running_ra}.json".format(**i), only({RA: 200})),
    ],
    "export_files.download": [
        Check("GET", lambda i: "/exports/{export_done_ra}/download".format(**i), only({RA: 200})),
        Check("GET", lambda i: "/exports/{export_expired_ra}/download".format(**i), only({RA: 410})),
        Check("GET", lambda i: "/exports/{export_running_ra}/download".format(**i), only({})),
    ],
}


def build(factory, session, world) -> None:
    recruiter = session.execute(select(User).where(User.email == world.users[RA])).scalar_one()

    def export(status: ExportState, finished: dt.datetime | None) -> Export:
        row = Export(user_id=recruiter.id, kind="audit.csv", params={}, status=status, progress_done=3,
                     progress_total=10, storage_name=secrets.token_hex(16), content_type="text/csv; charset=utf-8",
                     download_name="file.csv", created_at=now(), finished_at=finished,
                     expires_at=finished + services.EXPORT_TTL if finished else None)
        session.add(row)
        session.flush()
        return row

    done = export(ExportState.done, now())
    services.exports_folder().mkdir(parents=True, exist_ok=True)
    services.path_of(done.storage_name).write_bytes(b"a;b\r\n")
    world.ids["export_done_ra"] = done.id
    world.ids["export_expired_ra"] = export(ExportState.done, now() - dt.timedelta(days=2)).id
    world.ids["export_running_ra"] = export(ExportState.running, None).id
