"""The network pages: its coordinators manage its members and read its figures; its members' people see
who belongs and whom to call; a candidate chooses which networks see their name; an edition's
organisers and exhibiting companies read a partner's page.

Who reaches what is fair/networks/access.py (and fair/reports/access.py for the figures); anyone else
gets 404, as for any object of another owner.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from fair.access import as_id, candidate_required, organisations_of, owned_or_404
from fair.accounts.models import Organisation, OrganisationKind
from fair.candidates.access import structure_referrals
from fair.candidates.models import Referral
from fair.companies.models import Booth
from fair.extensions import db
from fair.fairs.access import organiser_edition
from fair.fairs.models import Edition, EditionPartner
from fair.networks import access, services
from fair.networks.models import NetworkMember
from fair.reports import figures
from fair.reports.document import count

bp = Blueprint("networks", __name__)


@bp.app_context_processor
def _network_links_function():
    """`network_links()` for the adviser's home (templates/networks/_links.html): the networks the person
    reaches, so that a member's people find their network without typing its address. Worked out only
    when an include calls it."""
    def network_links() -> list[tuple[str, str]]:
        if not current_user.is_authenticated:
            return []
        reached = db.session.execute(select(Organisation).where(or_(
            Organisation.id.in_(access.coordinated_networks(current_user.id)),
            Organisation.id.in_(access.member_networks(current_user.id)))).order_by(Organisation.name)).scalars()
        return [(_("Network: %(name)s", name=n.name), url_for("networks.network", network_id=n.id)) for n in reached]
    return {"network_links": network_links}


# ---------------------------------------------------------------- a network's page


@bp.route("/networks")
@login_required
def index():
    """The networks the person coordinates or works in (through a member structure)."""
    coordinated = set(db.session.execute(access.coordinated_networks(current_user.id)).scalars())
    reached = db.session.execute(
        select(Organisation).where(Organisation.id.in_(coordinated | set(db.session.execute(
            access.member_networks(current_user.id)).scalars()))).order_by(Organisation.name)).scalars().all()
    if not reached and not current_user.is_adviser:
        abort(404)
    return render_template("networks/index.html", networks=reached, coordinated=coordinated)


def _network_page(network: Organisation, status: int = 200):
    is_coordinator = access.coordinated_network(network.id, current_user.id) is not None
    rows = services.members(db.session, network.id, with_left=is_coordinator)
    names_sensitive = services.names_sensitive_members(db.session, network.id, current_user.id, is_coordinator)
    contacts = {row.id: services.contact_of(db.session, row.member_id, row.referent) for row in rows
                if names_sensitive or not row.member.is_sensitive}
    context = {}
    if is_coordinator:
        context = {"addable": services.addable_organisations(db.session, network.id),
                   "people": {row.id: services.people_of(db.session, row.member_id) for row in rows
                              if row.left_at is None}}
    return render_template("networks/network.html", network=network, rows=rows, contacts=contacts,
                           is_coordinator=is_coordinator, names_sensitive=names_sensitive, **context), status


@bp.route("/networks/<int:network_id>")
@login_required
def network(network_id: int):
    return _network_page(owned_or_404(access.reachable_network(network_id, current_user.id)))


def _coordinated(network_id: int) -> Organisation:
    return owned_or_404(access.coordinated_network(network_id, current_user.id))


def _row(network: Organisation, row_id: int) -> NetworkMember:
    return owned_or_404(services.member_row(db.session, network.id, as_id(row_id)))


def _refused(network: Organisation, error: services.NetworkRefused):
    db.session.rollback()
    flash(error.message, "error")
    return _network_page(db.session.get(Organisation, network.id), 422)


@bp.route("/networks/<int:network_id>/members", methods=["POST"])
@login_required
def add_member(network_id: int):
    network = _coordinated(network_id)
    try:
        row = services.add_member(db.session, network, as_id(request.form.get("organisation_id")))
    except services.NetworkRefused as error:
        return _refused(network, error)
    db.session.commit()
    flash(_("%(name)s is now a member of the network. Name its referent below.", name=row.member.name), "success")
    return redirect(url_for(".network", network_id=network.id), 303)


@bp.route("/networks/<int:network_id>/members/<int:row_id>/referent", methods=["POST"])
@login_required
def set_referent(network_id: int, row_id: int):
    network = _coordinated(network_id)
    row = _row(network, row_id)
    raw = request.form.get("referent_id", "")
    try:
        services.set_referent(db.session, row, (as_id(raw) or -1) if raw else None)
    except services.NetworkRefused as error:
        return _refused(network, error)
    db.session.commit()
    flash(_("The referent of %(name)s is saved.", name=row.member.name), "success")
    return redirect(url_for(".network", network_id=network.id), 303)


@bp.route("/networks/<int:network_id>/members/<int:row_id>/leave", methods=["POST"])
@login_required
def mark_left(network_id: int, row_id: int):
    network = _coordinated(network_id)
    row = _row(network, row_id)
    try:
        services.mark_left(db.session, row)
    except services.NetworkRefused as error:
        return _refused(network, error)
    db.session.commit()
    flash(_("%(name)s has left the network; what it brought stays in the figures.", name=row.member.name),
          "success")
    return redirect(url_for(".network", network_id=network.id), 303)


# ---------------------------------------------------------------- the person's consent


@bp.route("/candidate/networks")
@candidate_required
def my_networks():
    return render_template("networks/my_networks.html",
                           choices=services.network_choices(db.session, current_user.id))


@bp.route("/candidate/networks/<int:network_id>/consent", methods=["POST"])
@candidate_required
def give_consent(network_id: int):
    choice = owned_or_404(services.choice_for(db.session, current_user.id, as_id(network_id)))
    services.give_network_consent(db.session, current_user.id, choice)
    db.session.commit()
    flash(_("%(network)s and its members now see your name.", network=choice.network.name), "success")
    return redirect(url_for(".my_networks"), 303)


@bp.route("/candidate/networks/<int:network_id>/withdraw", methods=["POST"])
@candidate_required
def withdraw_consent(network_id: int):
    choice = owned_or_404(services.choice_for(db.session, current_user.id, as_id(network_id)))
    services.withdraw_network_consent(db.session, current_user.id, choice.network.id)
    db.session.commit()
    flash(_("This network and its other members no longer see your name or your follow-up."), "success")
    return redirect(url_for(".my_networks"), 303)


def _followed_referral(referral_id: int) -> Referral:
    """A confirmed referral of one of the adviser's structures (any adviser of it may act for the person)."""
    wanted = as_id(referral_id)
    return owned_or_404(db.session.execute(
        structure_referrals(current_user.id).where(Referral.id == wanted)).scalars().first() if wanted else None)


@bp.route("/adviser/referrals/<int:referral_id>/networks", methods=["GET", "POST"])
@login_required
def adviser_consent(referral_id: int):
    """The adviser reads the words to the person, who agrees in front of them: the consent is recorded
    with the adviser's name (recorded_by)."""
    referral = _followed_referral(referral_id)
    choices = services.network_choices(db.session, referral.candidate_id)
    if request.method == "POST":
        choice = owned_or_404(services.choice_for(db.session, referral.candidate_id,
                                                  as_id(request.form.get("network_id"))))
        services.give_network_consent(db.session, referral.candidate_id, choice, recorded_by_id=current_user.id)
        db.session.commit()
        flash(_("The consent of %(name)s is recorded: %(network)s now sees their name.",
                name=referral.candidate.full_name, network=choice.network.name), "success")
        return redirect(url_for(".adviser_consent", referral_id=referral.id), 303)
    return render_template("networks/adviser_consent.html", referral=referral, choices=choices)


# ---------------------------------------------------------------- a partner in an edition


def _edition_for_viewer(edition_id: int) -> tuple[Edition, bool]:
    """The edition and whether the person organises it; a recruiter must have a booth in it, else 404."""
    edition = organiser_edition(edition_id, current_user.id)
    if edition is not None:
        return edition, True
    wanted = as_id(edition_id)
    found = db.session.execute(
        select(Edition).join(Booth, Booth.edition_id == Edition.id)
        .where(Edition.id == wanted, Booth.company_id.in_(organisations_of(current_user.id, OrganisationKind.company)))
    ).scalars().first() if wanted is not None else None
    return owned_or_404(found), False


def _edition_partners(edition_id: int) -> list[Organisation]:
    return list(db.session.execute(
        select(Organisation).join(EditionPartner, EditionPartner.organisation_id == Organisation.id)
        .where(EditionPartner.edition_id == edition_id).order_by(Organisation.name)).scalars())


@bp.route("/editions/<int:edition_id>/partners")
@login_required
def edition_partners(edition_id: int):
    edition, organiser = _edition_for_viewer(edition_id)
    return render_template("networks/edition_partners.html", edition=edition, organiser=organiser,
                           partners=_edition_partners(edition.id))


@bp.route("/editions/<int:edition_id>/partners/<int:partner_id>")
@login_required
def edition_partner(edition_id: int, partner_id: int):
    edition, organiser = _edition_for_viewer(edition_id)
    partner = owned_or_404(next((p for p in _edition_partners(edition.id) if p.id == as_id(partner_id)), None))
    if partner.is_sensitive and not organiser:
        abort(404)  # companies never learn the name of a sensitive partner
    tally = figures.referred_tally(db.session, [partner.id], [edition.id])
    contact = services.contact_of(db.session, partner.id, services.referent_for_edition(db.session, partner.id))
    return render_template("networks/edition_partner.html", edition=edition, partner=partner, organiser=organiser,
                           steps=list(zip(figures.network_step_labels(),
                                          [count(v) for v in tally.by_member.get(partner.id, [0] * 4)],
                                          strict=True)),
                           companies=[(name, count(n)) for _id, name, n in
                                      figures.partner_companies(db.session, partner.id, edition.id)],
                           contact=contact)
