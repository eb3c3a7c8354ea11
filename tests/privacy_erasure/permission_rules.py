"""Erasure routes in the permission matrix: every signed-in person reaches their own deletion page (a
wrong password is refused, 422); the page after deletion is public; only the administrator reaches
"erase on request", for a person who exists. No check here erases anyone: the world stays whole."""
from __future__ import annotations

from tests.matrix import Check, everyone, only, signed_in

EXPECTED: dict[str, list[Check]] = {
    "erasure.delete_account": [
        Check("GET", lambda i: "/account/delete", signed_in(200)),
        Check("POST", lambda i: "/account/delete", signed_in(422), {"password": "not the password"}),
    ],
    "erasure.deleted": [Check("GET", lambda i: "/account/deleted", everyone(200))],
    "erasure.admin_erase": [
        Check("GET", lambda i: "/admin/people/{era_person}/erase".format(**i), only({"admin": 200})),
        Check("GET", lambda i: "/admin/people/999999/erase", only({})),
        Check("POST", lambda i: "/admin/people/{era_person}/erase".format(**i), only({"admin": 422}),
              {"confirmation": "someone.else@example.org"}),
    ],
}


def build(factory, session, world) -> None:
    world.ids.update(era_person=factory.user(email="erasure.target@example.org").id)
