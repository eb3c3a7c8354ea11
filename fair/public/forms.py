"""The offer search form: a plain GET form (no CSRF: it changes nothing), shareable as a link."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, SearchField, SelectField

from fair.companies.labels import contract_choices, remote_choices
from fair.companies.models import ContractType, RemoteMode
from fair.public.services import OfferFilters


class OfferSearchForm(Form):
    q = SearchField(_l("Keywords"))
    contract = SelectField(_l("Contract type"))
    place = SelectField(_l("Place"))
    remote = SelectField(_l("Remote work"))
    beginners = BooleanField(_l("Open to beginners only"))

    def __init__(self, formdata, places: list[str]) -> None:
        super().__init__(formdata)
        self.contract.choices = [("", str(_l("All contract types")))] + contract_choices()
        self.place.choices = [("", str(_l("All places")))] + [(p, p) for p in places]
        self.remote.choices = [("", str(_l("On site or remote")))] + remote_choices()

    def filters(self) -> OfferFilters:
        """What was asked, ignoring values that are not on offer (an old or hand-edited link)."""
        def allowed(select: SelectField) -> str | None:
            value = select.data or ""
            return value if value and value in {v for v, _ in select.choices} else None

        contract = allowed(self.contract)
        remote = allowed(self.remote)
        return OfferFilters(
            q=(self.q.data or "").strip()[:200],
            contract=ContractType(contract) if contract else None,
            place=allowed(self.place),
            remote=RemoteMode(remote) if remote else None,
            beginners=bool(self.beginners.data),
        )
