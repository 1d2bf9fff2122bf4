"""The one set of filters every view and export shares, and its URL codec.

A `Filters` is frozen; the dashboard builds it from `st.query_params`, the CLI
from its flags, and `core.storage.store` turns it into parameterised SQL.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from core.schema import ISSUES, STANCES

LIST_PARAMS = ("actor", "target", "stance", "issue", "outlet", "speaker")
DATE_PARAMS = ("from", "to")
TEXT_PARAMS = ("q",)
CONFIDENCE_PARAM = "conf"  # ?conf=0.5: only positions the extractor scored at least this sure of
ALL_PARAMS = LIST_PARAMS + DATE_PARAMS + TEXT_PARAMS + (CONFIDENCE_PARAM,)


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
    min_confidence: float | None = None  # a reviewed position passes whatever its score: a person confirmed it
    notices: tuple[str, ...] = field(default=(), compare=False)  # what parsing ignored, and why

    def is_empty(self) -> bool:
        return self == Filters()


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
    for name in ("stance", "issue"):  # codes of a closed vocabulary: ?stance=DEMAND means demand
        values[name] = tuple(dict.fromkeys(v.lower() for v in values[name]))
    for name, allowed in (("stance", STANCES), ("issue", ISSUES)):
        values[name], dropped = _keep_known(values[name], allowed)
        notices += [f"Ignored {name}={v!r}: not one of {', '.join(allowed)}." for v in dropped]
    for name, attr in (("from", "date_from"), ("to", "date_to")):
        raw = _as_list(params.get(name))
        if raw:
            parsed = parse_date(raw[-1])
            if parsed is None:
                notices.append(f"Ignored {name}={raw[-1]!r}: dates are written YYYY-MM-DD.")
            values[attr] = parsed
    if values.get("date_from") and values.get("date_to") and values["date_from"] > values["date_to"]:
        notices.append(f"Ignored to={values['date_to'].isoformat()}: it is before from={values['date_from'].isoformat()}.")
        values["date_to"] = None
    q = _as_list(params.get("q"))
    values["q"] = q[-1].strip() if q else ""
    raw = _as_list(params.get(CONFIDENCE_PARAM))
    if raw:
        values["min_confidence"] = parse_confidence(raw[-1])
        if values["min_confidence"] is None:
            notices.append(f"Ignored {CONFIDENCE_PARAM}={raw[-1]!r}: a confidence is a number from 0 to 1.")
    return Filters(**values, notices=tuple(notices))


def parse_confidence(value: str) -> float | None:
    """A number from 0 to 1, rounded to two decimals (what a link can say); None otherwise."""
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return round(number, 2) if 0 <= number <= 1 else None


def check_known(filters: Filters, known: Mapping[str, Iterable[str]]) -> Filters:
    """Drop list values the data does not hold (an unknown actor in a shared link), each with a notice.

    `known` maps a list parameter (actor, target, outlet, speaker...) to the values that exist;
    parameters it leaves out are not checked.
    """
    changes: dict = {}
    notices = list(filters.notices)
    for name, allowed in known.items():
        kept, dropped = _keep_known(getattr(filters, name), set(allowed))
        if dropped:
            changes[name] = kept
            notices += [f"Ignored {name}={v!r}: no {name} of that name in the data." for v in dropped]
    return replace(filters, **changes, notices=tuple(notices)) if changes else filters


def _keep_known(values: tuple[str, ...], allowed) -> tuple[tuple[str, ...], list[str]]:
    kept = tuple(v for v in values if v in allowed)
    return kept, [v for v in values if v not in allowed]


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
    if filters.min_confidence is not None:
        out[CONFIDENCE_PARAM] = [f"{filters.min_confidence:g}"]
    return out


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def query_string(filters: Filters, view: Mapping[str, str | Iterable[str] | None] | None = None) -> str:
    """`?actor=Russia&stance=demand` for these filters plus view parameters (`_actor`...), or ""."""
    params = list(_pairs(to_query(filters)))
    params += list(_pairs({k: v for k, v in (view or {}).items() if v not in (None, "", [], ())}))
    return "?" + urlencode(params) if params else ""


def _pairs(mapping: Mapping) -> Iterable[tuple[str, str]]:
    for key, value in mapping.items():
        for v in _as_list(value):
            yield key, v


# The sentence names filters in this order: what was said first, then who, where, when.
_DESCRIBE_ORDER = ("stance", "actor", "target", "issue", "speaker", "outlet")


def count_phrase(n: int, noun: str = "position") -> str:
    """`1 position`, `1,234 positions`: thousands always separated by commas."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


SENTENCE_TEXT_CHARS = 80  # a searched text longer than this is shortened in the sentence (the link keeps it whole)


def short_text(text: str, limit: int = SENTENCE_TEXT_CHARS) -> str:
    """The text, or its first words and how long it is: `first words… (4,800 characters)`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip() + f"… ({len(text):,} characters)"


def describe(filters: Filters, n: int, noun: str = "position", extra: Iterable[str] = ()) -> str:
    """`Showing 42 positions: stance is demand, actor is Russia, from 2021-12-01.` (Datasette style).

    `extra` adds what the page itself focuses on ("profile of Russia"), after the filters.
    """
    from core.present.labels import issue_label

    shown = {name: [issue_label(v) if name == "issue" else v for v in getattr(filters, name)] for name in _DESCRIBE_ORDER}
    parts = [f"{name} is {' or '.join(shown[name])}" for name in _DESCRIBE_ORDER if shown[name]]
    if filters.q:
        parts.append(f'text contains "{short_text(filters.q)}"')
    if filters.date_from:
        parts.append(f"from {filters.date_from.isoformat()}")
    if filters.date_to:
        parts.append(f"to {filters.date_to.isoformat()}")
    if filters.min_confidence is not None:
        parts.append(f"confidence at least {filters.min_confidence:g}")
    parts += list(extra)
    head = f"Showing {count_phrase(n, noun)}"
    return f"{head}: {', '.join(parts)}." if parts else f"{head}."


_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
FILE_STEM_CHARS = 80


def file_stem(view: str, filters: Filters, focus: Iterable[str] = ()) -> str:
    """A download's file name (without extension) after the view: `parley_positions_stance-demand_actor-Russia`.
    Letters and digits only between the separators; long names are cut."""
    parts = ["parley", view, *focus]
    parts += [f"{name}-{'-'.join(getattr(filters, name))}" for name in _DESCRIBE_ORDER if getattr(filters, name)]
    if filters.q:
        parts.append("q-" + filters.q[:20])
    if filters.date_from:
        parts.append(f"from-{filters.date_from.isoformat()}")
    if filters.date_to:
        parts.append(f"to-{filters.date_to.isoformat()}")
    if filters.min_confidence is not None:
        parts.append(f"conf-{filters.min_confidence:g}")
    stem = "_".join(p for p in (_UNSAFE.sub("-", str(part)).strip("-") for part in parts) if p)
    return stem[:FILE_STEM_CHARS].rstrip("-_")
