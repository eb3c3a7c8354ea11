"""Permission matrix rows of sign-in with OpenID Connect. The matrix's app configures no provider: a
provider's name answers 404 to everyone, signed in or not (tests/oidc/test_sign_in.py covers a
configured one)."""
from __future__ import annotations

from tests.matrix import Check, everyone

EXPECTED = {
    "oidc.start": [Check("POST", lambda i: "/login/oidc/proconnect", everyone(404), {})],
    "oidc.callback": [Check("GET", lambda i: "/login/oidc/proconnect/callback?code=x&state=y", everyone(404))],
}
