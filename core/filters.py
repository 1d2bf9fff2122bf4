"""The one set of filters every view and export shares, and its URL codec.

A `Filters` is frozen; the dashboard builds it from `st.query_params`, the CLI
from its flags, and `core.store` turns it into parameterised SQL.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

LIST_PARAMS = ("actor", "target", "stance", "issue", "outlet", "speaker")
DATE_PARAMS = ("from", "to")
TEXT_PARAMS = ("q",)
ALL_PARAMS = LIST_PARAMS + DATE_PARAMS + TEXT_PARAMS


@dataclass(frozen=True)
class Filters:
    actor: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    stance: tuple[str, ...] = ()
    issue: tuple[str, ...] = ()
    outlet: tuple[str, ...] = ()
    speaker: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    notices: tuple[str, ...] = field(default=(), compare=False)  # what parsing ignored, and why

    def is_empty(self) -> bool:
        return self == Filters()

    def with_(self, **changes) -> "Filters":
        return replace(self, **changes)


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None


def from_query(params: Mapping[str, Iterable[str] | str]) -> Filters:
    """Parse query parameters (each a value or a list of values); bad values become notices."""
    notices: list[str] = []
    values: dict = {}
    for name in LIST_PARAMS:
        values[name] = tuple(dict.fromkeys(v.strip() for v in _as_list(params.get(name)) if v.strip()))
    for name, attr in (("from", "date_from"), ("to", "date_to")):
        raw = _as_list(params.get(name))
        if raw:
            parsed = parse_date(raw[-1])
            if parsed is None:
                notices.append(f"Ignored {name}={raw[-1]!r}: dates are written YYYY-MM-DD.")
            values[attr] = parsed
    q = _as_list(params.get("q"))
    values["q"] = q[-1].strip() if q else ""
    return Filters(**values, notices=tuple(notices))


def to_query(filters: Filters) -> dict[str, list[str]]:
    """The query parameters that reopen this filter set (empty ones left out)."""
    out: dict[str, list[str]] = {}
    for name in LIST_PARAMS:
        if getattr(filters, name):
            out[name] = list(getattr(filters, name))
    if filters.date_from:
        out["from"] = [filters.date_from.isoformat()]
    if filters.date_to:
        out["to"] = [filters.date_to.isoformat()]
    if filters.q:
        out["q"] = [filters.q]
    return out


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]
