"""The permission matrix: every rule of `app.url_map` × every role, with the outcome each must get.

A route missing from EXPECTED fails the suite, so nobody adds a page without deciding who may see it.
Outcomes: a status code, or LOGIN (a redirect to the login page). Objects of another owner answer 404.
"""
from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, csrf_token
from tests.matrix import LOGIN, ROLES, Check, anonymous_only, everyone, only, signed_in


@dataclass
class World:
    ids: dict[str, object]
    users: dict[str, str]


def build_world(factory, session) -> World:
    from fair.accounts.models import PartnerType, User
    from fair.companies.models import BoothDocument, BoothStaff
    from fair.db import utcnow
    from fair.fairs.models import Invitation, InvitationKind
    from fair.fairs.services import invitation_token
    from fair.mail.models import DevMail

    org_f = factory.organisation("organiser", "Organiser F")
    org_g = factory.organisation("organiser", "Organiser G")
    company_a = factory.organisation("company", "Company A")
    company_b = factory.organisation("company", "Company B")
    partner = factory.organisation("partner", "Partner P", partner_type=PartnerType.association)
    users = {
        "candidate": factory.user(email="candidate@example.org").email,
        "recruiter_a": factory.member(company_a, email="recruiter.a@example.org").email,
        "recruiter_b": factory.member(company_b, email="recruiter.b@example.org").email,
        "organiser_f": factory.member(org_f, email="organiser.f@example.org").email,
        "organiser_g": factory.member(org_g, email="organiser.g@example.org").email,
        "adviser": factory.member(partner, email="adviser@example.org").email,
        # The instance's administrator: belongs to no organisation, sees nothing of theirs.
        "admin": factory.user(email="admin@example.org", is_admin=True).email,
    }
    edition_f = factory.edition(org_f, slug="fair-f")
    draft_f = factory.edition(org_f, status="draft", slug="draft-f")
    edition_g = factory.edition(org_g, slug="fair-g")
    booth_a = factory.booth(edition_f, company_a)
    booth_b = factory.booth(edition_f, company_b)
    offer_a = factory.offer(booth_a, title="Offer A")
    offer_b = factory.offer(booth_b, title="Offer B")
    recruiter_a = session.execute(select(User).where(User.email == users["recruiter_a"])).scalar_one()
    document_a = BoothDocument(booth=booth_a, title="Brochure", url="https://example.org/a.pdf")
    staff_a = BoothStaff(booth=booth_a, user=recruiter_a, job_title="Recruiter")
    invitation = Invitation(edition=edition_f, kind=InvitationKind.company, email="new@example.org",
                            organisation_name="New company", expires_at=utcnow() + dt.timedelta(days=3))
    mail = DevMail(to_address="x@example.org", subject="Hello", text_body="Hello", raw=b"Subject: Hello\n\nHello")
    session.add_all([document_a, staff_a, invitation, mail])
    session.commit()
    world = World(
        ids={
            "edition_f": edition_f.id, "edition_g": edition_g.id, "draft_f": draft_f.id,
            "slug_f": edition_f.slug, "slug_draft_f": draft_f.slug, "slug_g": edition_g.slug,
            "booth_a": booth_a.id, "booth_b": booth_b.id, "offer_a": offer_a.id, "offer_b": offer_b.id,
            "document_a": document_a.id, "staff_a": staff_a.id, "invitation_f": invitation.id,
            "invitation_token": invitation_token(invitation.id), "mail": mail.id,
        },
        users=users,
    )
    for rules in DOMAIN_RULES:
        if hasattr(rules, "build"):
            rules.build(factory, session, world)
    session.commit()
    return world


F = "/console/editions/{edition_f}"
A = "/recruiter/booths/{booth_a}"

# endpoint -> the requests made and what each role gets. POSTs send a valid CSRF token and the data given.
EXPECTED: dict[str, list[Check]] = {
    "static": [Check("GET", lambda i: "/static/css/app.css", everyone(200))],
    "set_language": [Check("GET", lambda i: "/lang/en", everyone(302))],
    "public.home": [Check("GET", lambda i: "/", everyone(200))],
    "public.fair": [
        Check("GET", lambda i: "/fairs/{slug_f}".format(**i), everyone(200)),
        Check("GET", lambda i: "/fairs/{slug_draft_f}".format(**i),
              {**everyone(404), "organiser_f": 200}),
    ],
    "public.booth": [
        Check("GET", lambda i: "/fairs/{slug_f}/booths/{booth_a}".format(**i), everyone(200)),
        Check("GET", lambda i: "/fairs/{slug_g}/booths/{booth_a}".format(**i), everyone(404)),
    ],
    "public.offer": [
        Check("GET", lambda i: "/fairs/{slug_f}/offers/{offer_a}".format(**i), everyone(200)),
        Check("GET", lambda i: "/fairs/{slug_g}/offers/{offer_a}".format(**i), everyone(404)),
    ],
    "public.legal_notice": [Check("GET", lambda i: "/legal-notice", everyone(200))],
    "public.privacy": [Check("GET", lambda i: "/privacy", everyone(200))],
    "public.accessibility": [Check("GET", lambda i: "/accessibility", everyone(200))],
    "accounts.login": [Check("GET", lambda i: "/login", anonymous_only(200, 302))],
    "accounts.register": [Check("GET", lambda i: "/register", anonymous_only(200, 302))],
    "accounts.register_sent": [Check("GET", lambda i: "/register/sent", everyone(200))],
    "accounts.forgot_password": [Check("GET", lambda i: "/password/forgot", everyone(200))],
    "accounts.reset_password": [Check("GET", lambda i: "/password/reset/not-a-token", everyone(400))],
    "accounts.confirm_email": [Check("GET", lambda i: "/confirm/not-a-token", everyone(400))],
    "accounts.account": [Check("GET", lambda i: "/account", signed_in(200))],
    "accounts.change_password": [Check("POST", lambda i: "/account/password", signed_in(422), {})],
    "accounts.resend_confirmation": [Check("POST", lambda i: "/confirm/resend", signed_in(302), {})],
    "accounts.logout": [Check("POST", lambda i: "/logout", everyone(302), {})],
    # No password given first: anonymous visitors go back to the login page, signed-in people home.
    "accounts.login_verify": [Check("GET", lambda i: "/login/verify", signed_in(302)),
                              Check("POST", lambda i: "/login/verify", signed_in(302), {})],
    "accounts.mfa_setup": [Check("GET", lambda i: "/account/two-step", {**signed_in(200), "candidate": 404}),
                           Check("POST", lambda i: "/account/two-step", {**signed_in(422), "candidate": 404}, {})],
    "accounts.mfa_recovery_codes": [Check("POST", lambda i: "/account/two-step/recovery-codes",
                                          {**signed_in(302), "candidate": 404}, {})],
    "accounts.mfa_disable": [Check("POST", lambda i: "/account/two-step/disable",
                                   {**signed_in(302), "candidate": 404}, {})],
    "mail.mailbox": [Check("GET", lambda i: "/dev/mail/", everyone(404))],
    "mail.message": [Check("GET", lambda i: "/dev/mail/{mail}".format(**i), everyone(404))],
    "mail.message_html": [Check("GET", lambda i: "/dev/mail/{mail}/html".format(**i), everyone(404))],
    "mail.part": [Check("GET", lambda i: "/dev/mail/{mail}/parts/0".format(**i), everyone(404))],
    "fairs.console": [Check("GET", lambda i: "/console/", only({"organiser_f": 200, "organiser_g": 200}))],
    "fairs.new_edition": [Check("GET", lambda i: "/console/editions/new",
                                only({"organiser_f": 200, "organiser_g": 200}))],
    "fairs.edition": [Check("GET", lambda i: F.format(**i), only({"organiser_f": 200}))],
    "fairs.edit_edition": [
        Check("GET", lambda i: (F + "/edit").format(**i), only({"organiser_f": 200})),
        Check("POST", lambda i: (F + "/edit").format(**i), only({"organiser_f": 422}), {}),
    ],
    "fairs.invitations": [
        Check("GET", lambda i: (F + "/invitations").format(**i), only({"organiser_f": 200})),
        Check("POST", lambda i: (F + "/invitations").format(**i), only({"organiser_f": 422}), {}),
    ],
    "fairs.resend_invitation": [Check("POST", lambda i: (F + "/invitations/{invitation_f}/resend").format(**i),
                                      only({"organiser_f": 302}), {})],
    "fairs.change_status": [Check("POST", lambda i: (F + "/status").format(**i), only({"organiser_f": 302}),
                                  {"status": "nonsense"})],
    "fairs.accept_invitation": [
        Check("GET", lambda i: "/invitations/{invitation_token}".format(**i), everyone(200)),
        Check("GET", lambda i: "/invitations/tampered-token", everyone(404)),
    ],
    "companies.dashboard": [Check("GET", lambda i: "/recruiter/",
                                  only({"recruiter_a": 200, "recruiter_b": 200}))],
    "companies.edit_booth": [
        Check("GET", lambda i: A.format(**i), only({"recruiter_a": 200})),
        Check("POST", lambda i: A.format(**i), only({"recruiter_a": 422}), {"video_url": "ftp://x"}),
    ],
    "companies.offers": [Check("GET", lambda i: (A + "/offers").format(**i), only({"recruiter_a": 200}))],
    "companies.new_offer": [
        Check("GET", lambda i: (A + "/offers/new").format(**i), only({"recruiter_a": 200})),
        Check("POST", lambda i: (A + "/offers/new").format(**i), only({"recruiter_a": 422}), {}),
    ],
    "companies.edit_offer": [
        Check("GET", lambda i: (A + "/offers/{offer_a}/edit").format(**i), only({"recruiter_a": 200})),
        Check("GET", lambda i: (A + "/offers/{offer_b}/edit").format(**i), only({})),
        Check("POST", lambda i: (A + "/offers/{offer_a}/edit").format(**i), only({"recruiter_a": 422}), {}),
    ],
    "companies.add_document": [Check("POST", lambda i: (A + "/documents").format(**i),
                                     only({"recruiter_a": 422}), {"title": "", "url": ""})],
    "companies.set_staff": [Check("POST", lambda i: (A + "/staff").format(**i), only({"recruiter_a": 422}), {})],
    "companies.publish_offer": [Check("POST", lambda i: (A + "/offers/{offer_a}/publish").format(**i),
                                      only({"recruiter_a": 302}), {})],
    "companies.unpublish_offer": [Check("POST", lambda i: (A + "/offers/{offer_a}/unpublish").format(**i),
                                        only({"recruiter_a": 302}), {})],
    "companies.remove_staff": [Check("POST", lambda i: (A + "/staff/{staff_a}/delete").format(**i),
                                     only({"recruiter_a": 302}), {})],
    "companies.remove_document": [Check("POST", lambda i: (A + "/documents/{document_a}/delete").format(**i),
                                        only({"recruiter_a": 302}), {})],
    "companies.delete_offer": [
        Check("GET", lambda i: (A + "/offers/{offer_a}/delete").format(**i), only({"recruiter_a": 200})),
        Check("POST", lambda i: (A + "/offers/{offer_a}/delete").format(**i), only({"recruiter_a": 302}), {}),
    ],
}

# Requests that change what later requests see run last, in this order.
RUN_LAST = ["companies.remove_staff", "companies.remove_document", "companies.delete_offer",
            "fairs.accept_invitation", "accounts.logout"]

# Each domain may add its own routes and objects in tests/<domain>/permission_rules.py (see tests/matrix.py).
DOMAIN_RULES = [
    importlib.import_module(f"tests.{path.parent.name}.permission_rules")
    for path in sorted(Path(__file__).parent.glob("*/permission_rules.py"))
]
for rules in DOMAIN_RULES:
    overlap = set(EXPECTED) & set(rules.EXPECTED)
    assert not overlap, f"{rules.__name__} repeats endpoints of the matrix: {sorted(overlap)}"
    EXPECTED.update(rules.EXPECTED)
# Logging out stays the very last request.
RUN_LAST = [e for rules in DOMAIN_RULES for e in getattr(rules, "RUN_LAST", [])] + RUN_LAST


def test_every_route_has_an_expected_outcome(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - set(EXPECTED)
    assert not missing, f"routes with no expected outcome in the permission matrix: {sorted(missing)}"
    gone = set(EXPECTED) - endpoints
    assert not gone, f"the matrix names routes that no longer exist: {sorted(gone)}"


def _outcome(response) -> object:
    if response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, app, client, factory, session):
    world = build_world(factory, session)
    if role != "anonymous":
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"email": world.users[role], "password": PASSWORD,
                                               "csrf_token": token})
        assert response.status_code == 302, f"could not log in as {role}"
    ordered = [endpoint for endpoint in EXPECTED if endpoint not in RUN_LAST] + RUN_LAST
    failures = []
    for endpoint in ordered:
        for check in EXPECTED[endpoint]:
            path = check.path(world.ids)
            if check.method == "GET":
                response = client.get(path)
            else:
                data = dict(check.data or {})
                data["csrf_token"] = csrf_token(client, "/account" if role != "anonymous" else "/login")
                response = client.open(path, method=check.method, data=data)  # POST, or PATCH (the API)
            got, want = _outcome(response), check.expected[role]
            if got != want:
                failures.append(f"{check.method} {path} [{endpoint}] as {role}: got {got}, expected {want}")
    assert not failures, "\n".join(failures)
