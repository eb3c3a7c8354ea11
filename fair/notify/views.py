from flask import Blueprint

bp = Blueprint("notify", __name__, url_prefix="/dev/mail")


@bp.route("/")
def mailbox():
    return "mail"
