from flask import Blueprint

bp = Blueprint("fairs", __name__, url_prefix="/console")


@bp.route("/")
def console():
    return "console"
