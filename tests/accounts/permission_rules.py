"""Sign-in with a code by SMS in the permission matrix: pages for visitors who are not signed in."""
from __future__ import annotations

from tests.matrix import LOGIN, Check, anonymous_only, everyone

EXPECTED: dict[str, list[Check]] = {
    "accounts.login_phone": [
        Check("GET", lambda i: "/login/phone", anonymous_only(200, 302)),
        Check("POST", lambda i: "/login/phone", everyone(422), {"mobile": "01 42 68 53 00"}),
    ],
    # No number given first: everyone goes (back) to the page that asks for it.
    "accounts.login_phone_code": [
        Check("GET", lambda i: "/login/phone/code", everyone(LOGIN)),
        Check("POST", lambda i: "/login/phone/code", everyone(LOGIN), {"code": "123456"}),
    ],
}
