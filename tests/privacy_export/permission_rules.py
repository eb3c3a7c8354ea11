"""Download my data in the permission matrix: every signed-in person has their own export page; a
download link opens only for its owner (another person's link is 404, a spent one 410)."""
from __future__ import annotations

import secrets

from sqlalchemy import select

from fair.accounts.models import User
from fair.clock import now
from fair.privacy import export as exports
from fair.privacy.models import DataExport, ExportStatus
from fair.security import hash_token
from tests.matrix import Check, only, signed_in

EXPECTED: dict[str, list[Check]] = {
    "exports.export_page": [
        Check("GET", lambda i: "/account/export", signed_in(200)),
        Check("POST", lambda i: "/account/export", signed_in(303), {}),
    ],
    "exports.export_status": [Check("GET", lambda i: "/account/export/status", signed_in(200))],
    "exports.download": [
        Check("GET", lambda i: "/account/export/download/{export_spent_c}".format(**i), only({"candidate": 410})),
        Check("GET", lambda i: "/account/export/download/{export_unknown}".format(**i), only({})),
    ],
}
# Asking for an export creates one: the page shows it from then on.
RUN_LAST = ["exports.export_page"]


def build(factory, session, world) -> None:
    candidate = session.execute(select(User).where(User.email == world.users["candidate"])).scalar_one()
    spent = DataExport(user_id=candidate.id, status=ExportStatus.downloaded, progress=100,
                       storage_name=secrets.token_hex(16), created_at=now(), ready_at=now(),
                       expires_at=now(), downloaded_at=now())
    spent.token_hash = hash_token(exports.link_secret(spent))
    session.add(spent)
    session.flush()
    world.ids["export_spent_c"] = exports.link_secret(spent)
    world.ids["export_unknown"] = secrets.token_hex(32)
