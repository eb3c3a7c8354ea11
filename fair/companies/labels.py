"""Words shown for the stored codes of offers, shared by recruiter pages, public pages and the console.

The database keeps short codes (`cdi`, `partial`); people read the translated label.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from fair.companies.models import ContractType, RemoteMode

CONTRACT_LABELS = {
    ContractType.cdi: _l("Permanent contract (CDI)"),
    ContractType.cdd: _l("Fixed-term contract (CDD)"),
    ContractType.interim: _l("Temporary work (interim)"),
    ContractType.alternance: _l("Work-study contract (alternance)"),
    ContractType.stage: _l("Internship"),
    ContractType.insertion: _l("Insertion contract"),
    ContractType.training: _l("Training / POEC"),
    ContractType.other: _l("Other contract"),
}

REMOTE_LABELS = {
    RemoteMode.none: _l("On site"),
    RemoteMode.partial: _l("Partly remote"),
    RemoteMode.full: _l("Fully remote"),
}


def contract_label(value: ContractType | str) -> str:
    return str(CONTRACT_LABELS[ContractType(value)])


def remote_label(value: RemoteMode | str) -> str:
    return str(REMOTE_LABELS[RemoteMode(value)])


def contract_choices() -> list[tuple[str, str]]:
    return [(kind.value, str(label)) for kind, label in CONTRACT_LABELS.items()]


def remote_choices() -> list[tuple[str, str]]:
    return [(mode.value, str(label)) for mode, label in REMOTE_LABELS.items()]
