"""Candidates' routes in the permission matrix: the candidate's own pages, the recruiter's inbox, the
adviser's pages. The world gets a CV and an application of the candidate to offer A (booth A), a
referral of the candidate by the adviser (confirmed) and a pending one for the referral link."""
from __future__ import annotations

from tests.matrix import Check, everyone, only

EXPECTED: dict[str, list[Check]] = {}
C = "candidate"
INBOX = "/recruiter/booths/{booth_a}/applications"


def _add(endpoint: str, *checks: Check) -> None:
    EXPECTED[endpoint] = list(checks)


_add("candidates.dashboard", Check("GET", lambda i: "/candidate/", only({C: 200})))
_add("candidates.profile", Check("GET", lambda i: "/candidate/profile", only({C: 200})),
     Check("POST", lambda i: "/candidate/profile", only({C: 422}), {}))
_add("candidates.cvs", Check("GET", lambda i: "/candidate/cvs", only({C: 200})),
     Check("POST", lambda i: "/candidate/cvs", only({C: 422}), {}))
_add("candidates.download_cv", Check("GET", lambda i: "/candidate/cvs/{cv_c}".format(**i), only({C: 200})),
     Check("GET", lambda i: "/candidate/cvs/{cv_other}".format(**i), only({})))
_add("candidates.delete_cv", Check("POST", lambda i: "/candidate/cvs/{cv_other}/delete".format(**i), only({}), {}),
     Check("POST", lambda i: "/candidate/cvs/{cv_c}/delete".format(**i), only({C: 302}), {}))
_add("candidates.applications", Check("GET", lambda i: "/candidate/applications", only({C: 200})))
_add("candidates.apply",
     Check("GET", lambda i: "/candidate/offers/{offer_b}/apply".format(**i), only({C: 200})),
     Check("POST", lambda i: "/candidate/offers/{offer_b}/apply".format(**i), only({C: 302}), {"cv_id": ""}))
_add("candidates.withdraw",
     Check("POST", lambda i: "/candidate/applications/{application_other}/withdraw".format(**i), only({}), {}),
     Check("POST", lambda i: "/candidate/applications/{application_c}/withdraw".format(**i), only({C: 302}), {}))
_add("candidates.referrals", Check("GET", lambda i: "/candidate/referrals", only({C: 200})))
_add("candidates.revoke_referral",
     Check("POST", lambda i: "/candidate/referrals/{referral_other}/revoke".format(**i), only({}), {}),
     Check("POST", lambda i: "/candidate/referrals/{referral_c}/revoke".format(**i), only({C: 302}), {}))
_add("candidates.confirm_referral",
     Check("GET", lambda i: "/referrals/confirm/not-a-token", everyone(404)),
     Check("GET", lambda i: "/referrals/confirm/{referral_token}".format(**i), everyone(200)))
_add("candidates.inbox", Check("GET", lambda i: INBOX.format(**i), only({"recruiter_a": 200})),
     Check("GET", lambda i: (INBOX + "?offer={offer_a}&status=submitted&cv=1").format(**i),
           only({"recruiter_a": 200})))
_add("candidates.inbox_csv", Check("POST", lambda i: "/recruiter/booths/{booth_a}/applications.csv".format(**i),
                                   only({"recruiter_a": 303}), {}))
_add("candidates.inbox_application",
     Check("GET", lambda i: (INBOX + "/{application_c}").format(**i), only({"recruiter_a": 200})),
     Check("GET", lambda i: "/recruiter/booths/{booth_b}/applications/{application_c}".format(**i), only({})))
_add("candidates.inbox_cv", Check("GET", lambda i: (INBOX + "/{application_c}/cv").format(**i),
                                  only({"recruiter_a": 200})))
_add("candidates.shortlist", Check("POST", lambda i: (INBOX + "/{application_c}/shortlist").format(**i),
                                   only({"recruiter_a": 302}), {}))
_add("candidates.invite", Check("POST", lambda i: (INBOX + "/{application_c}/invite").format(**i),
                                only({"recruiter_a": 302}), {}))
_add("candidates.reject", Check("POST", lambda i: (INBOX + "/{application_c}/reject").format(**i),
                                only({"recruiter_a": 422}), {"reason": "nonsense"}))
# The old figures page leads to the edition's report (fair.reports).
_add("candidates.edition_statistics",
     Check("GET", lambda i: "/console/editions/{edition_f}/candidates".format(**i), only({"organiser_f": 301})),
     Check("GET", lambda i: "/console/editions/{edition_g}/candidates".format(**i), only({"organiser_g": 301})))
_add("candidates.adviser_home", Check("GET", lambda i: "/adviser/", only({"adviser": 200})))
_add("candidates.new_referral", Check("GET", lambda i: "/adviser/referrals/new", only({"adviser": 200})),
     Check("POST", lambda i: "/adviser/referrals/new", only({"adviser": 422}), {}))
_add("candidates.adviser_referral",
     Check("GET", lambda i: "/adviser/referrals/{referral_c}".format(**i), only({"adviser": 200})),
     # A colleague's person: the consent covers the structure, so every adviser of it acts for them.
     Check("GET", lambda i: "/adviser/referrals/{referral_other}".format(**i), only({"adviser": 200})),
     Check("GET", lambda i: "/adviser/referrals/{referral_q}".format(**i), only({})),
     Check("POST", lambda i: "/adviser/referrals/{referral_c}".format(**i), only({"adviser": 422}), {}))
_add("candidates.adviser_cv",
     Check("GET", lambda i: "/adviser/referrals/{referral_c}/cvs/{cv_c}".format(**i), only({"adviser": 200})),
     Check("GET", lambda i: "/adviser/referrals/{referral_c}/cvs/{cv_other}".format(**i), only({})))
# The structure's shared file: the world's candidate is followed by Partner P (the adviser's structure);
# person_q only by Partner Q. The adviser owns Partner O (no one followed there) and is a plain member of P.
_add("candidates.adviser_person",
     Check("GET", lambda i: "/adviser/people/{person_c}".format(**i), only({"adviser": 200})),
     Check("GET", lambda i: "/adviser/people/{person_q}".format(**i), only({})))
_add("candidates.adviser_note",
     Check("POST", lambda i: "/adviser/people/{person_c}/notes".format(**i), only({"adviser": 422}), {"text": ""}),
     Check("POST", lambda i: "/adviser/people/{person_q}/notes".format(**i), only({}), {"text": "x"}))
_add("candidates.adviser_handover",
     Check("POST", lambda i: "/adviser/people/{person_c}/handover".format(**i), only({"adviser": 422}), {}),
     Check("POST", lambda i: "/adviser/people/{person_q}/handover".format(**i), only({}), {}))
_add("candidates.structure_handover",
     Check("GET", lambda i: "/adviser/structures/{partner_o}/handover".format(**i), only({"adviser": 200})),
     Check("POST", lambda i: "/adviser/structures/{partner_o}/handover".format(**i), only({"adviser": 422}), {}),
     Check("GET", lambda i: "/adviser/structures/{partner_p}/handover".format(**i), only({})),
     Check("GET", lambda i: "/adviser/structures/{partner_q}/handover".format(**i), only({})))

# These change what the other checks of the same role see: the candidate's own objects go last.
RUN_LAST = ["candidates.apply", "candidates.withdraw", "candidates.revoke_referral", "candidates.delete_cv"]


def build(factory, session, world) -> None:
    from sqlalchemy import select

    from fair.accounts.models import Membership, MembershipRole, Organisation, User
    from fair.candidates import storage
    from fair.candidates.models import Application, CandidateCv, CvKind, Referral, ReferralStatus
    from fair.candidates.services import referral_token
    from fair.companies.models import Offer
    from fair.db import utcnow

    def user(role: str) -> User:
        return session.execute(select(User).where(User.email == world.users[role])).scalar_one()

    candidate, adviser = user("candidate"), user("adviser")
    partner = session.execute(select(Organisation).where(Organisation.name == "Partner P")).scalar_one()
    other = factory.user(email="someone.else@example.org")
    pdf = b"%PDF-1.4\n%%EOF\n"
    cvs = {}
    for owner, key in ((candidate, "cv_c"), (other, "cv_other")):
        cv = CandidateCv(user=owner, kind=CvKind.pdf, original_name="cv.pdf", storage_name=storage.store(pdf),
                         size=len(pdf), sha256="0" * 64)
        session.add(cv)
        cvs[key] = cv
    session.flush()
    offer_a = session.get(Offer, world.ids["offer_a"])
    application = Application(candidate_id=candidate.id, offer_id=offer_a.id, cv_id=cvs["cv_c"].id, message="")
    application_other = Application(candidate_id=other.id, offer_id=offer_a.id, message="")
    referral = Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=candidate.id,
                        status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok")
    newcomer = factory.user(email="newcomer@example.org")
    pending = Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=newcomer.id,
                       status=ReferralStatus.pending)
    other_adviser = factory.member(partner, email="adviser.other@example.org")
    referral_other = Referral(adviser_id=other_adviser.id, partner_id=partner.id, candidate_id=other.id,
                              status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok")
    session.add_all([application, application_other, referral, pending, referral_other])
    partner_q = factory.organisation("partner", "Partner Q")
    adviser_q = factory.member(partner_q, email="adviser.q@example.org")
    person_q = factory.user(email="person.q@example.org")
    referral_q = Referral(adviser_id=adviser_q.id, partner_id=partner_q.id, candidate_id=person_q.id,
                          status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok")
    session.add(referral_q)
    partner_o = factory.organisation("partner", "Partner O")
    session.add(Membership(user_id=adviser.id, organisation_id=partner_o.id, role=MembershipRole.owner))
    session.commit()
    world.ids.update({
        "cv_c": cvs["cv_c"].id, "cv_other": cvs["cv_other"].id, "application_c": application.id,
        "application_other": application_other.id, "referral_c": referral.id, "referral_other": referral_other.id,
        "referral_q": referral_q.id,
        "referral_token": referral_token(pending), "person_c": candidate.id, "person_q": person_q.id,
        "partner_o": partner_o.id, "partner_p": partner.id, "partner_q": partner_q.id,
    })
