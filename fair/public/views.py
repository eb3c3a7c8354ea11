"""Public pages: the list of fairs, a fair with its searchable offers, a booth, an offer.

No login. Draft and archived fairs answer 404, except to the organisers of that fair, who see a
preview with a banner.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from fair.access import member_org_ids
from fair.accounts.models import OrganisationKind
from fair.fairs.models import Edition
from fair.public import services
from fair.public.forms import OfferSearchForm

bp = Blueprint("public", __name__)


def _visible_edition(slug: str) -> Edition:
    edition = services.edition_by_slug(slug)
    if edition is None:
        abort(404)
    if not edition.is_public and not services.may_see(edition, member_org_ids(OrganisationKind.organiser)):
        abort(404)
    return edition


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1


@bp.route("/")
def home():
    return render_template("public/home.html", summaries=services.public_editions())


@bp.route("/fairs/<slug>")
def fair(slug: str):
    edition = _visible_edition(slug)
    form = OfferSearchForm(request.args, services.edition_places(edition))
    filters = form.filters()
    results = services.search_offers(edition, filters, _page_number(), current_app.config.get("PAGE_SIZE", 20))
    booths = services.edition_booths(edition)
    return render_template(
        "public/fair.html", edition=edition, form=form, filters=filters, results=results, booths=booths,
        offer_count=services.edition_offer_count(edition),
    )


@bp.route("/fairs/<slug>/booths/<int:booth_id>")
def booth(slug: str, booth_id: int):
    edition = _visible_edition(slug)
    found = services.booth_in_edition(edition, booth_id)
    if found is None:
        abort(404)
    return render_template("public/booth.html", edition=edition, booth=found,
                           offers=services.booth_published_offers(found))


@bp.route("/fairs/<slug>/offers/<int:offer_id>")
def offer(slug: str, offer_id: int):
    edition = _visible_edition(slug)
    found = services.published_offer_in_edition(edition, offer_id)
    if found is None:
        abort(404)
    return render_template("public/offer.html", edition=edition, offer=found, booth=found.booth)
