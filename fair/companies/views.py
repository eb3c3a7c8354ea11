from flask import Blueprint

bp = Blueprint("companies", __name__, url_prefix="/recruiter")


@bp.route("/")
def dashboard():
    return "recruiter"
