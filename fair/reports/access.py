"""Who may read which report, said once for the pages and for the export jobs that build its files.

Each function answers the report's scope (what `fair.reports.figures.build` takes) for this person,
or None: the page answers 404 and a job started earlier builds nothing (someone who left the
organisation meanwhile gets no file). Rules:

- an edition's report: the organisers of the edition (lead and co-organisers);
- an organiser's year: the members of that organiser;
- a company's: its owners, for all its fairs or one; an edition's organisers, for a company that
  exhibits at that edition and for that edition only;
- a partner's: its members (advisers and owners), for all fairs or one;
- a network's year: its coordinators (fair.networks.access.coordinated_network).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fair.access import as_id, organisations_of
from fair.accounts.models import Organisation, OrganisationKind
from fair.companies.models import Booth
from fair.extensions import db
from fair.fairs.access import organiser_edition
from fair.fairs.models import Edition
from fair.networks.access import coordinated_network
from fair.teams.access import owner_membership


def member_of(user_id: int, organisation_id: Any, kind: OrganisationKind) -> int | None:
    wanted = as_id(organisation_id)
    if wanted is None:
        return None
    return db.session.execute(select(Organisation.id).where(
        Organisation.id == wanted, Organisation.id.in_(organisations_of(user_id, kind)))).scalar_one_or_none()


def edition_scope(user_id: int, edition_id: Any) -> dict | None:
    edition = organiser_edition(edition_id, user_id)
    return {"kind": "edition", "edition_id": edition.id} if edition is not None else None


def organiser_scope(user_id: int, organisation_id: Any, year: int) -> dict | None:
    found = member_of(user_id, organisation_id, OrganisationKind.organiser)
    return {"kind": "organiser", "organisation_id": found, "year": year} if found is not None else None


def _exhibits(company_id: int, edition_id: int) -> bool:
    return db.session.execute(select(Booth.id).where(Booth.company_id == company_id,
                                                     Booth.edition_id == edition_id)).first() is not None


def is_company_owner(user_id: int, company_id: Any) -> bool:
    wanted = as_id(company_id)
    owner = owner_membership(wanted, user_id) if wanted is not None else None
    return (owner is not None and owner.organisation.kind is OrganisationKind.company
            and owner.organisation.is_active)


def company_scope(user_id: int, company_id: Any, edition_id: Any = None) -> dict | None:
    wanted, edition = as_id(company_id), as_id(edition_id)
    if wanted is None:
        return None
    if is_company_owner(user_id, wanted):
        if edition is not None and not _exhibits(wanted, edition):
            return None
        return {"kind": "company", "company_id": wanted, "edition_id": edition}
    run = organiser_edition(edition, user_id) if edition is not None else None
    if run is None or not _exhibits(wanted, run.id):
        return None
    return {"kind": "company", "company_id": wanted, "edition_id": run.id}


def partner_scope(user_id: int, partner_id: Any, edition_id: Any = None) -> dict | None:
    found = member_of(user_id, partner_id, OrganisationKind.partner)
    if found is None:
        return None
    edition = as_id(edition_id)
    if edition is not None and db.session.get(Edition, edition) is None:
        edition = None
    return {"kind": "partner", "partner_id": found, "edition_id": edition}


def network_scope(user_id: int, network_id: Any, year: int) -> dict | None:
    network = coordinated_network(network_id, user_id)
    return {"kind": "network", "network_id": network.id, "year": year} if network is not None else None


def scope_for(user_id: int, params: dict[str, Any]) -> dict | None:
    """The scope this person may read for the report `params` names (a page's or a job's)."""
    kind = params.get("kind")
    if kind == "edition":
        return edition_scope(user_id, params.get("edition_id"))
    if kind == "organiser":
        year = params.get("year")
        return organiser_scope(user_id, params.get("organisation_id"), year) if isinstance(year, int) else None
    if kind == "company":
        return company_scope(user_id, params.get("company_id"), params.get("edition_id"))
    if kind == "partner":
        return partner_scope(user_id, params.get("partner_id"), params.get("edition_id"))
    if kind == "network":
        year = params.get("year")
        return network_scope(user_id, params.get("network_id"), year) if isinstance(year, int) else None
    return None


def may_read(session: Session, user_id: int, params: dict[str, Any]) -> bool:
    """For an export job: the person may still read exactly the report they asked for."""
    scope = scope_for(user_id, params)
    return scope is not None and all(params.get(key) == value for key, value in scope.items())
