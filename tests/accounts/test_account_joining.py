"""The account page says how each role joins: candidates register, staff are invited by whom (issue 13, item 9)."""
from __future__ import annotations

import pytest

from tests.accounts.helpers import page_text
from tests.conftest import login


@pytest.mark.parametrize("kind", [None, "organiser"])
def test_the_account_page_says_how_each_role_joins(client, factory, kind):
    if kind is None:
        user = factory.user()
    else:
        user = factory.member(factory.organisation(kind, name="Métropole"))
    login(client, user.email)
    text = page_text(client.get("/account"))
    assert "Les candidats créent eux-mêmes leur compte." in text
    assert ("Les recruteurs rejoignent leur entreprise sur invitation de l’organisateur du salon ou d’un "
            "collègue propriétaire de l’entreprise.") in text
    assert "Les conseillers rejoignent leur structure sur invitation de son propriétaire" in text
    assert "les administrateurs de l’instance créent l’organisation et invitent son premier propriétaire" in text
    assert "grâce à une invitation reçue par e-mail" not in text  # staff do not all join the same way
