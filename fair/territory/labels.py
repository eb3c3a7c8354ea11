"""What the person reads about their gender, address and QPV: labels and the reasons we ask."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from fair.candidates.models import Gender

GENDER_LABELS = {
    Gender.female: _l("Woman"),
    Gender.male: _l("Man"),
    Gender.other: _l("Other"),
    Gender.undisclosed: _l("Prefer not to say"),
}

ADDRESS_LINE_HINT = _l(
    "Optional. Number and street, for example: 12 rue des Lilas. Used only to know whether you live in a "
    "priority neighbourhood (QPV), for the figures of the fair's funders: nobody sees it.")
GENDER_HINT = _l(
    "Optional. Used only for the figures of the fair's funders (how many women and men were met and hired). "
    "Nobody sees your answer; it goes into the figures without your name.")
BIRTH_YEAR_HINT = _l("Optional. Your age group (under 26, 26 to 49, 50 and over) is counted in the figures.")
