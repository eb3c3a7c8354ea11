"""An organisation's webhook pages: its subscriptions (members read, owners change) and, for each,
its recent deliveries with every attempt and the receiver's answer. A new or rotated secret is shown
in the answer to the POST that made it, once; the pages show only its last characters after."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fair.access import owned_or_404
from fair.accounts.models import MembershipRole, Organisation
from fair.extensions import db
from fair.forms import ConfirmForm, FieldErrors
from fair.webhooks import services
from fair.webhooks.access import delivery_of, subscription_of, webhook_membership
from fair.webhooks.forms import EVENT_LABELS, SubscriptionForm
from fair.webhooks.models import TEST_EVENT, SubscriptionStatus

bp = Blueprint("webhooks", __name__)


@bp.context_processor
def _labels():
    return {"EVENT_LABELS": {**EVENT_LABELS, TEST_EVENT: _("Test event")}, "SubscriptionStatus": SubscriptionStatus}


def _index_page(membership, form: SubscriptionForm | None = None, status: int = 200):
    is_owner = membership.role == MembershipRole.owner
    return render_template(
        "webhooks/index.html", organisation=membership.organisation, is_owner=is_owner,
        subscriptions=services.subscriptions_of(db.session, membership.organisation_id),
        form=form or (SubscriptionForm(formdata=None) if is_owner else None),
    ), status


@bp.route("/organisations/<int:organisation_id>/webhooks")
@login_required
def index(organisation_id: int):
    return _index_page(owned_or_404(webhook_membership(organisation_id, current_user.id)))


def _show_page(subscription, *, is_owner: bool, secret: str | None = None, status: int = 200):
    return render_template(
        "webhooks/subscription.html", subscription=subscription,
        organisation=db.session.get(Organisation, subscription.organisation_id),
        is_owner=is_owner, secret=secret, deliveries=services.recent_deliveries(db.session, subscription.id),
        confirm_form=ConfirmForm(formdata=None),
    ), status


@bp.route("/organisations/<int:organisation_id>/webhooks", methods=["POST"])
@login_required
def create(organisation_id: int):
    membership = owned_or_404(webhook_membership(organisation_id, current_user.id, owner=True))
    form = SubscriptionForm()
    if form.validate_on_submit():
        try:
            subscription, secret = services.subscribe(db.session, membership.organisation, url=form.url.data,
                                                      events=form.events.data or [],
                                                      description=form.description.data or "")
            db.session.commit()
        except FieldErrors as exc:
            db.session.rollback()
            for name, messages in exc.errors.items():
                getattr(form, name).errors = list(messages)
        else:
            flash(_("The subscription is active. Copy its signing secret now: it will not be shown again."),
                  "success")
            return _show_page(subscription, is_owner=True, secret=secret, status=201)
    membership = owned_or_404(webhook_membership(organisation_id, current_user.id, owner=True))
    return _index_page(membership, form=form, status=422)


@bp.route("/organisations/<int:organisation_id>/webhooks/<int:subscription_id>")
@login_required
def show(organisation_id: int, subscription_id: int):
    subscription = owned_or_404(subscription_of(organisation_id, subscription_id, current_user.id))
    is_owner = webhook_membership(organisation_id, current_user.id, owner=True) is not None
    return _show_page(subscription, is_owner=is_owner)


def _owned(organisation_id: int, subscription_id: int):
    subscription = owned_or_404(subscription_of(organisation_id, subscription_id, current_user.id, owner=True))
    if not ConfirmForm().validate_on_submit():
        flash(_("The form has expired: please try again."), "error")
        return subscription, False
    return subscription, True


def _back(subscription):
    return redirect(url_for("webhooks.show", organisation_id=subscription.organisation_id,
                            subscription_id=subscription.id))


@bp.route("/organisations/<int:organisation_id>/webhooks/<int:subscription_id>/pause", methods=["POST"])
@login_required
def pause(organisation_id: int, subscription_id: int):
    subscription, valid = _owned(organisation_id, subscription_id)
    if valid:
        services.pause(db.session, subscription)
        db.session.commit()
        flash(_("The subscription is paused: no event is sent to it until you resume it."), "success")
    return _back(subscription)


@bp.route("/organisations/<int:organisation_id>/webhooks/<int:subscription_id>/resume", methods=["POST"])
@login_required
def resume(organisation_id: int, subscription_id: int):
    subscription, valid = _owned(organisation_id, subscription_id)
    if valid:
        services.resume(db.session, subscription)
        db.session.commit()
        flash(_("The subscription is active again."), "success")
    return _back(subscription)


@bp.route("/organisations/<int:organisation_id>/webhooks/<int:subscription_id>/rotate", methods=["POST"])
@login_required
def rotate(organisation_id: int, subscription_id: int):
    subscription, valid = _owned(organisation_id, subscription_id)
    if not valid:
        return _back(subscription)
    secret = services.rotate_secret(db.session, subscription)
    db.session.commit()
    flash(_("A new signing secret was made. Copy it now: it will not be shown again. The previous one still "
            "signs for 24 hours."), "success")
    return _show_page(subscription, is_owner=True, secret=secret)


@bp.route("/organisations/<int:organisation_id>/webhooks/<int:subscription_id>/test", methods=["POST"])
@login_required
def test(organisation_id: int, subscription_id: int):
    subscription, valid = _owned(organisation_id, subscription_id)
    if valid:
        try:
            services.send_test(db.session, subscription)
            db.session.commit()
        except services.NotActive:
            db.session.rollback()
            flash(_("Resume the subscription before sending it a test event."), "error")
        else:
            flash(_("A test event is on its way: its answer appears below in a few seconds."), "success")
    return _back(subscription)


@bp.route("/organisations/<int:organisation_id>/webhooks/<int:subscription_id>/delete", methods=["POST"])
@login_required
def delete(organisation_id: int, subscription_id: int):
    subscription, valid = _owned(organisation_id, subscription_id)
    if not valid:
        return _back(subscription)
    services.delete(db.session, subscription)
    db.session.commit()
    flash(_("The subscription was deleted: nothing more is sent to it."), "success")
    return redirect(url_for("webhooks.index", organisation_id=organisation_id))


@bp.route("/organisations/<int:organisation_id>/webhooks/<int:subscription_id>/deliveries/<delivery_id>/resend",
          methods=["POST"])
@login_required
def resend(organisation_id: int, subscription_id: int, delivery_id: str):
    delivery = owned_or_404(delivery_of(organisation_id, subscription_id, delivery_id, current_user.id))
    if ConfirmForm().validate_on_submit():
        services.resend(db.session, delivery)
        db.session.commit()
        flash(_("The event is sent again."), "success")
    return redirect(url_for("webhooks.show", organisation_id=organisation_id, subscription_id=subscription_id))
