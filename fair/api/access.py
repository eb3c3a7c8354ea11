"""What a token reaches: the objects of its organisation, as SELECTs the views page through, and one
object by id (None for another organisation's, which the views answer 404).

- a company: its booths' offers, the applications to them, the interviews booked there, and the
  outcomes it recorded or that name it;
- an organiser: the same for every booth of the editions it runs (as lead or co-organiser);
- a partner: the applications, interviews and outcomes of the people its structure follows (a
  confirmed referral: the person's consent is given to the structure), as its webhooks hear of them.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import joinedload

from fair.access import as_id
from fair.accounts.models import OrganisationKind
from fair.api.models import ApiToken
from fair.candidates.models import Application, Referral, ReferralStatus
from fair.companies.models import Booth, Offer
from fair.extensions import db
from fair.fairs.models import Edition, EditionOrganiser
from fair.jobdating.models import Booking
from fair.outcomes.models import Outcome


def _editions_run(organisation_id: int) -> Select:
    """The ids of the editions this organiser runs, as lead or co-organiser (for `in_()`)."""
    co_organised = select(EditionOrganiser.edition_id).where(EditionOrganiser.organisation_id == organisation_id)
    return select(Edition.id).where(or_(Edition.organiser_id == organisation_id, Edition.id.in_(co_organised)))


def _booths(token: ApiToken) -> Select | None:
    kind = token.organisation.kind
    if kind == OrganisationKind.company:
        return select(Booth.id).where(Booth.company_id == token.organisation_id)
    if kind == OrganisationKind.organiser:
        return select(Booth.id).where(Booth.edition_id.in_(_editions_run(token.organisation_id)))
    return None


def _followed(token: ApiToken) -> Select | None:
    if token.organisation.kind != OrganisationKind.partner:
        return None
    return select(Referral.candidate_id).where(Referral.partner_id == token.organisation_id,
                                               Referral.status == ReferralStatus.confirmed)


def offers(token: ApiToken) -> Select:
    booths = _booths(token)
    return (select(Offer).where(Offer.booth_id.in_(booths) if booths is not None else false())
            .options(joinedload(Offer.booth)))


def applications(token: ApiToken) -> Select:
    booths, followed = _booths(token), _followed(token)
    statement = (select(Application).join(Offer, Offer.id == Application.offer_id)
                 .options(joinedload(Application.offer).joinedload(Offer.booth).joinedload(Booth.edition),
                          joinedload(Application.candidate)))
    if booths is not None:
        return statement.where(Offer.booth_id.in_(booths))
    return statement.where(Application.candidate_id.in_(followed) if followed is not None else false())


def bookings(token: ApiToken) -> Select:
    booths, followed = _booths(token), _followed(token)
    statement = select(Booking).options(joinedload(Booking.slot), joinedload(Booking.candidate))
    if booths is not None:
        return statement.where(Booking.booth_id.in_(booths))
    return statement.where(Booking.candidate_id.in_(followed) if followed is not None else false())


def outcomes(token: ApiToken) -> Select:
    kind = token.organisation.kind
    if kind == OrganisationKind.company:
        return select(Outcome).where(Outcome.company_id == token.organisation_id)
    if kind == OrganisationKind.organiser:
        return select(Outcome).where(Outcome.edition_id.in_(_editions_run(token.organisation_id)))
    followed = _followed(token)
    return select(Outcome).where(Outcome.candidate_id.in_(followed) if followed is not None else false())


def one(statement: Select, model: Any, object_id: Any) -> Any | None:
    """The object of this id among what `statement` reaches, or None."""
    wanted = as_id(object_id)
    if wanted is None:
        return None
    return db.session.execute(statement.where(model.id == wanted)).scalars().first()


def company_booth(token: ApiToken, booth_id: Any) -> Booth | None:
    """A booth of the token's company, where it may publish an offer (organisers and partners: None)."""
    wanted = as_id(booth_id)
    if wanted is None or token.organisation.kind != OrganisationKind.company:
        return None
    return db.session.execute(select(Booth).where(Booth.id == wanted, Booth.company_id == token.organisation_id)
                              ).scalars().first()


def can_write(token: ApiToken) -> bool:
    """Only a company changes anything through the API (its offers, applicants, interviews), as only
    its recruiters do on the pages; an organiser's or a partner's token reads."""
    return token.organisation.kind == OrganisationKind.company


def sees_names(token: ApiToken) -> bool:
    """Partners follow people who agreed to it: they read their names. Companies and organisers read
    an application as the recruiter's inbox shows it (`fair.candidates.services.is_anonymised`)."""
    return token.organisation.kind == OrganisationKind.partner
