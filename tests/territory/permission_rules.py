"""Territory's routes in the permission matrix: the adviser's confirmation of a followed person's
situations. It uses the candidates' world (`referral_c`: the candidate, followed by the adviser, who
gave no statistics consent there, so a POST is refused with 422; `referral_q`: another structure's)."""
from __future__ import annotations

from tests.matrix import Check, only

EXPECTED: dict[str, list[Check]] = {
    "territory.confirm_situations": [
        Check("GET", lambda i: "/adviser/referrals/{referral_c}/situations".format(**i), only({"adviser": 200})),
        Check("GET", lambda i: "/adviser/referrals/{referral_q}/situations".format(**i), only({})),
        Check("POST", lambda i: "/adviser/referrals/{referral_c}/situations".format(**i), only({"adviser": 422}),
              {"situations": ["rsa"]}),
        Check("POST", lambda i: "/adviser/referrals/{referral_q}/situations".format(**i), only({}),
              {"situations": ["rsa"]}),
    ],
}
