"""Admin console routes in the permission matrix: the instance administrator gets them, every other
signed-in role 404, anonymous visitors the login page. The world gets organisations and people of
its own for the actions to act on, so that no action touches a role's own account."""
from __future__ import annotations

from fair.db import utcnow
from tests.matrix import Check, only

ADMIN = "admin"
EXPECTED: dict[str, list[Check]] = {}


def _add(endpoint: str, *checks: Check) -> None:
    EXPECTED[endpoint] = list(checks)


def _admin(code: int) -> dict[str, object]:
    return only({ADMIN: code})


_add("admin.home", Check("GET", lambda i: "/admin/", _admin(200)))
_add("admin.organisations", Check("GET", lambda i: "/admin/organisations?q=a&kind=company&state=all", _admin(200)))
_add("admin.new_organisation",
     Check("GET", lambda i: "/admin/organisations/new", _admin(200)),
     Check("POST", lambda i: "/admin/organisations/new", _admin(422), {"kind": "company"}))
_add("admin.organisation",
     Check("GET", lambda i: "/admin/organisations/{adm_org}".format(**i), _admin(200)),
     Check("GET", lambda i: "/admin/organisations/999999", only({})),
     Check("POST", lambda i: "/admin/organisations/{adm_org}".format(**i), _admin(422), {"name": ""}))
_add("admin.merge_organisation",
     Check("POST", lambda i: "/admin/organisations/{adm_org}/merge".format(**i), _admin(422), {"target_id": ""}))
_add("admin.deactivate_organisation",
     Check("POST", lambda i: "/admin/organisations/{adm_org_active}/deactivate".format(**i), _admin(302), {}))
_add("admin.reactivate_organisation",
     Check("POST", lambda i: "/admin/organisations/{adm_org_inactive}/reactivate".format(**i), _admin(302), {}))
_add("admin.invite_owner",
     Check("POST", lambda i: "/admin/organisations/{adm_org}/invite-owner".format(**i), _admin(422),
           {"email": "not-an-address"}))
_add("admin.people", Check("GET", lambda i: "/admin/people?q=example", _admin(200)))
_add("admin.person",
     Check("GET", lambda i: "/admin/people/{adm_person}".format(**i), _admin(200)),
     Check("GET", lambda i: "/admin/people/999999", only({})))
_add("admin.disable_person",
     Check("POST", lambda i: "/admin/people/{adm_to_disable}/disable".format(**i), _admin(302), {}))
_add("admin.enable_person",
     Check("POST", lambda i: "/admin/people/{adm_disabled}/enable".format(**i), _admin(302), {}))
_add("admin.end_sessions",
     Check("POST", lambda i: "/admin/people/{adm_person}/end-sessions".format(**i), _admin(302), {}))
_add("admin.send_password_reset",
     Check("POST", lambda i: "/admin/people/{adm_person}/password-reset".format(**i), _admin(302), {}))
_add("admin.reset_mfa",
     Check("POST", lambda i: "/admin/people/{adm_mfa_person}/reset-mfa".format(**i), _admin(302), {}),
     Check("POST", lambda i: "/admin/people/999999/reset-mfa", only({}), {}))
_add("admin.grant_admin",
     Check("POST", lambda i: "/admin/people/{adm_person}/grant-admin".format(**i), _admin(302), {}))
_add("admin.revoke_admin",
     Check("POST", lambda i: "/admin/people/{adm_other_admin}/revoke-admin".format(**i), _admin(302), {}))
_add("admin.instance",
     Check("GET", lambda i: "/admin/instance", _admin(200)),
     Check("POST", lambda i: "/admin/instance", _admin(422), {"name": "", "logo_url": "http://x"}))
_add("admin.jobs_page", Check("GET", lambda i: "/admin/jobs", _admin(200)))
_add("admin.retry_jobs", Check("POST", lambda i: "/admin/jobs/retry", _admin(422), {"job_id": "no-such-job"}))
_add("admin.audit",
     Check("GET", lambda i: "/admin/audit?action=user.disable", _admin(200)),
     Check("GET", lambda i: "/admin/audit?date_from=not-a-date", _admin(422)))
_add("admin.audit_csv", Check("POST", lambda i: "/admin/audit.csv?object_type=users", _admin(303), {}))


def build(factory, session, world) -> None:
    world.ids.update(
        adm_org=factory.organisation("company", "Admin target").id,
        adm_org_active=factory.organisation("partner", "Admin deactivate").id,
        adm_org_inactive=factory.organisation("company", "Admin reactivate", is_active=False).id,
        adm_person=factory.user(email="admin.target@example.org").id,
        adm_to_disable=factory.user(email="admin.disable@example.org").id,
        adm_disabled=factory.user(email="admin.enable@example.org", is_active_account=False).id,
        adm_other_admin=factory.user(email="admin.other@example.org", is_admin=True).id,
        adm_mfa_person=factory.user(email="admin.mfa@example.org", totp_secret="not-a-real-secret",
                                    totp_enabled_at=utcnow()).id,
    )
