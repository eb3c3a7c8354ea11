"""The owner-scoped lookups every view and socket handler uses: the owner finds the object, anyone
else (another owner, or an id that cannot name a row, as a socket payload may carry) finds nothing."""
from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound


@pytest.mark.parametrize("value", [None, "", "abc", "1.5", True, 0, -3, 2**31, 2**40, [1], {"id": 1}])
def test_a_value_that_cannot_name_a_row_is_no_id(app, value):
    from fair.access import as_id

    assert as_id(value) is None


def test_an_id_is_a_positive_integer_also_when_sent_as_text(app):
    from fair.access import as_id

    assert as_id(7) == 7 and as_id("7") == 7


def test_nothing_found_answers_404_and_something_found_is_returned(app):
    from fair.access import owned_or_404

    with pytest.raises(NotFound):
        owned_or_404(None)
    assert owned_or_404(0) == 0  # only None means "not yours"


def test_the_booth_and_the_edition_are_found_by_their_owners_only(app, session, factory):
    from fair.companies.access import recruiter_booth
    from fair.fairs.access import organiser_edition

    organiser, other_organiser = factory.organisation("organiser"), factory.organisation("organiser")
    company, other_company = factory.organisation("company"), factory.organisation("company")
    edition = factory.edition(organiser)
    booth = factory.booth(edition, company)
    organiser_member, other_organiser_member = factory.member(organiser), factory.member(other_organiser)
    recruiter, other_recruiter = factory.member(company), factory.member(other_company)

    assert recruiter_booth(booth.id, recruiter.id) == booth
    assert recruiter_booth(str(booth.id), recruiter.id) == booth
    for someone in (other_recruiter, organiser_member):
        assert recruiter_booth(booth.id, someone.id) is None
    for junk in (None, "x", True, 2**40):
        assert recruiter_booth(junk, recruiter.id) is None

    assert organiser_edition(edition.id, organiser_member.id) == edition
    for someone in (other_organiser_member, recruiter):
        assert organiser_edition(edition.id, someone.id) is None
    for junk in (None, "x", True, 2**40):
        assert organiser_edition(junk, organiser_member.id) is None
