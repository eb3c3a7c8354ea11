"""Template functions come from each domain's context processor, all merged into one namespace: two
domains giving the same name would make one silently replace the other on every page (an offer's
contract once read "ContractType.interim" that way)."""
from __future__ import annotations

from collections import Counter


def test_no_two_context_processors_give_the_same_name(app):
    names: Counter[str] = Counter()
    with app.test_request_context("/"):
        for processor in app.template_context_processors[None]:  # the app's: every page gets them
            names.update(processor().keys())
    assert [name for name, seen in names.items() if seen > 1] == []
