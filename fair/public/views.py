"""Public pages: the list of fairs, a fair with its searchable offers, a booth, an offer.

No login. Draft and archived fairs answer 404, except to the organisers of that fair, who see a
preview with a banner.
"""
from __future__ import annotations

import json
import re

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from fair import clock, instance
from fair.extensions import db
from fair.fairs.models import Edition
from fair.fairs.rules import brand_colour_or_default, registration_message, registration_state
from fair.privacy import notice as privacy_notice
from fair.public import jobposting, services
from fair.public.forms import OfferSearchForm

bp = Blueprint("public", __name__)


def _visible_edition(slug: str) -> Edition:
    edition = services.edition_by_slug(slug)
    if edition is None:
        abort(404)
    if not services.may_see(edition, current_user.id if current_user.is_authenticated else None):
        abort(404)
    return edition


BRAND_CSS = """/* The colours of one fair, linked from its pages (the CSP allows no inline style). */
.edition-brand {{ background: {colour}; color: #fff; }}
.edition-brand a, .edition-brand h1, .edition-brand p {{ color: #fff; }}
.edition-brand a:focus {{ outline-color: #fff; }}
.brand-accent {{ border-color: {colour}; }}
"""


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
    now = clock.now()
    return render_template(
        "public/fair.html", edition=edition, brand_edition=edition, form=form, filters=filters, results=results,
        booths=booths, offer_count=services.edition_offer_count(edition),
        registration=registration_state(edition, now), registration_note=registration_message(edition, now),
    )


@bp.route("/fairs/<slug>/brand.css")
def brand_css(slug: str):
    """The fair's colour as a stylesheet: only for public fairs, only a validated #rrggbb value."""
    edition = services.edition_by_slug(slug)
    if edition is None or not edition.is_public:
        abort(404)
    response = Response(BRAND_CSS.format(colour=brand_colour_or_default(edition.brand_colour)),
                        mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/f/<slug>")
def short_address(slug: str):
    """The short address printed on posters and flyers: on to the fair's public page."""
    edition = services.edition_by_slug(slug)
    if edition is None or not edition.is_public:
        abort(404)
    return redirect(url_for("public.fair", slug=edition.slug), 302)


@bp.route("/fairs/<slug>/booths/<int:booth_id>")
def booth(slug: str, booth_id: int):
    edition = _visible_edition(slug)
    found = services.booth_in_edition(edition, booth_id)
    if found is None:
        abort(404)
    return render_template("public/booth.html", edition=edition, brand_edition=edition, booth=found,
                           offers=services.booth_published_offers(found))


@bp.route("/fairs/<slug>/offers/<int:offer_id>")
def offer(slug: str, offer_id: int):
    edition = _visible_edition(slug)
    found = services.published_offer_in_edition(edition, offer_id)
    if found is None:
        abort(404)
    return render_template("public/offer.html", edition=edition, brand_edition=edition, offer=found,
                           booth=found.booth, job_posting=jobposting.job_posting(found, edition))


FEED_MAX_AGE = 300  # seconds a cache may keep the feed; ETag and Last-Modified make rechecks cheap


@bp.route("/fairs/<slug>/offers.json")
def offers_feed(slug: str):
    """The fair's published offers as one JSON document (docs/configuration.md, "Public offers feed"):
    only public fairs, only what the offer pages show; ETag and Last-Modified answer a recheck with 304."""
    edition = services.edition_by_slug(slug)
    if edition is None or not edition.is_public:
        abort(404)
    offers = services.edition_published_offers(edition)
    changed = max([edition.updated_at, *(o.updated_at for o in offers), *(o.booth.updated_at for o in offers)])
    response = current_app.response_class(json.dumps({
        "edition": {"title": edition.title, "slug": edition.slug, "starts_at": edition.starts_at.isoformat(),
                    "ends_at": edition.ends_at.isoformat(), "time_zone": edition.timezone,
                    "url": url_for("public.fair", slug=edition.slug, _external=True)},
        "count": len(offers),
        "offers": [jobposting.feed_item(offer, edition) for offer in offers],
    }, ensure_ascii=False, separators=(",", ":")), mimetype="application/json")
    response.cache_control.public = True
    response.cache_control.max_age = FEED_MAX_AGE
    response.last_modified = changed.replace(microsecond=0)
    response.vary.add("Accept-Language")
    response.add_etag()
    return response.make_conditional(request)


# ---------------------------------------------------------------- the pages every public body publishes

_LEGAL_PAGES = {
    "legal_notice": (_l("Legal notice"), _l(
        "This page names who publishes this service, who hosts it and who is responsible for it. "
        "Its publisher has not written it yet.")),
    "privacy_notice": (_l("Privacy"), _l(
        "This page says which personal data this service keeps, why, for how long, who can read it, "
        "and how to see, correct or delete yours. Its publisher has not written it yet.")),
    "accessibility_statement": (_l("Accessibility"), _l(
        "This page says how far this service meets the accessibility rules (RGAA, WCAG 2.1 AA), what is "
        "not accessible yet, and how to get the same information another way. Its publisher has not "
        "written it yet.")),
}


def paragraphs(text: str) -> list[str]:
    """Plain text as paragraphs: split on blank lines; the line breaks inside one are kept (CSS pre-line)."""
    return [part.strip("\n") for part in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")) if part.strip()]


def _legal_page(field: str, template: str = "public/legal.html", **extra):
    """Every legal page is the administrator's text (`field` of the instance's settings) in
    public/legal.html; a page worked out from the settings (the privacy notice) extends it."""
    settings = instance.current(db.session)
    title, default = _LEGAL_PAGES[field]
    return render_template(template, title=title, paragraphs=paragraphs(getattr(settings, field)),
                           default=default, settings=settings, **extra)


@bp.route("/legal-notice")
def legal_notice():
    return _legal_page("legal_notice")


@bp.route("/privacy")
def privacy():
    """Generated from the instance's settings (fair.privacy.notice); `?edition=<slug>` adds that fair's
    purposes and its organiser's own retention periods. The administrator's text follows as additions."""
    edition = _visible_edition(request.args["edition"]) if request.args.get("edition") else None
    return _legal_page("privacy_notice", "privacy/notice.html", notice=privacy_notice.build(db.session, edition),
                       additions_heading=_l("Additions by %(name)s", name=instance.current(db.session).name))


@bp.route("/accessibility")
def accessibility():
    return _legal_page("accessibility_statement")
