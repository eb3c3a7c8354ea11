"""Shared words of the permission matrix (tests/test_permissions.py).

A domain adds its routes in `tests/<domain>/permission_rules.py`, which may define:
EXPECTED (endpoint -> list of Check), RUN_LAST (endpoints whose requests change what later requests
see), and build(factory, session, world) to add the objects its paths name to `world.ids`
(`world.users` maps each role to its email).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

ROLES = ("anonymous", "candidate", "recruiter_a", "recruiter_b", "organiser_f", "organiser_g", "adviser", "admin")
SIGNED_IN = ROLES[1:]
LOGIN = "login"


@dataclass
class Check:
    method: str
    path: Callable[[dict], str]
    expected: dict[str, object]
    data: dict | None = None


def everyone(code: int) -> dict[str, object]:
    return {role: code for role in ROLES}


def signed_in(code: int) -> dict[str, object]:
    return {"anonymous": LOGIN, **{role: code for role in SIGNED_IN}}


def only(allowed: dict[str, int]) -> dict[str, object]:
    """Signed-in roles not listed get 404; anonymous is sent to log in."""
    return {"anonymous": LOGIN, **{role: allowed.get(role, 404) for role in SIGNED_IN}}


def anonymous_only(anon: int, others: int) -> dict[str, object]:
    return {"anonymous": anon, **{role: others for role in SIGNED_IN}}
