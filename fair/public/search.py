"""Text search that forgives case and accents, identically on SQLite and PostgreSQL.

Candidates often type on a phone without accents ("electricien") while recruiters write
"Électricien". SQLite's lower() only knows ASCII, and so does PostgreSQL's under the C locale,
so both sides are folded the same way: accented letters replaced by their plain letter, then
ASCII lower-cased. No database extension (unaccent) is needed:
- PostgreSQL folds with translate() (one pass) and lower();
- SQLite calls `fair_fold`, this module's `fold_text` registered on every SQLite connection.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import String, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

_GROUPS = {
    "a": "àáâãäåÀÁÂÃÄÅ",
    "c": "çÇ",
    "e": "èéêëÈÉÊË",
    "i": "ìíîïÌÍÎÏ",
    "n": "ñÑ",
    "o": "òóôõöøÒÓÔÕÖØ",
    "u": "ùúûüÙÚÛÜ",
    "y": "ýÿÝŸ",
    "ae": "æÆ",
    "oe": "œŒ",
    "'": "’‘ʼ",
}
FOLD_MAP: dict[str, str] = {char: plain for plain, chars in _GROUPS.items() for char in chars}
_SINGLE = {char: plain for char, plain in FOLD_MAP.items() if len(plain) == 1}
_DOUBLE = {char: plain for char, plain in FOLD_MAP.items() if len(plain) > 1}


def fold_text(value: str | None) -> str | None:
    """The folded form of a text: what the database compares for `fold(column)`."""
    if value is None:
        return None
    replaced = "".join(FOLD_MAP.get(char, char) for char in value)
    return "".join(char.lower() if char.isascii() else char for char in replaced)


class fold(FunctionElement):  # noqa: N801  (reads like the SQL function it is)
    type = String()
    inherit_cache = True


@compiles(fold)
def _fold_default(element: fold, compiler: Any, **kw: Any) -> str:
    return "fair_fold(%s)" % compiler.process(element.clauses, **kw)


@compiles(fold, "postgresql")
def _fold_postgresql(element: fold, compiler: Any, **kw: Any) -> str:
    expression = compiler.process(element.clauses, **kw)
    for char, plain in _DOUBLE.items():
        expression = f"replace({expression}, '{char}', '{plain}')"
    source = "".join(_SINGLE).replace("'", "''")
    target = "".join(_SINGLE.values()).replace("'", "''")
    return f"lower(translate({expression}, '{source}', '{target}'))"


@event.listens_for(Engine, "connect")
def _register_sqlite_fold(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("fair_fold", 1, fold_text, deterministic=True)


def search_terms(query: str, limit: int = 8) -> list[str]:
    """Words of the query, folded; every word must match somewhere (AND), in any order."""
    return [fold_text(word) for word in query.split()[:limit] if word.strip()]
