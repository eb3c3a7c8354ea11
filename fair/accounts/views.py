from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    return "login"


@bp.route("/register", methods=["GET", "POST"])
def register():
    return "register"


@bp.route("/logout", methods=["POST"])
def logout():
    return "logout"


@bp.route("/account")
def account():
    return "account"


@bp.route("/confirm/<token>")
def confirm_email(token):
    return "confirm"
