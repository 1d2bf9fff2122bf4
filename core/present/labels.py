"""Words a reader sees for the contract's codes: the one mapping every page and chart uses.

The data keeps the codes (`nato_enlargement`, `demand`); only what is drawn says "NATO enlargement".
"""
from __future__ import annotations

import pandas as pd

from core.schema import ISSUES, STANCES

ISSUE_LABELS: dict[str, str] = {
    "nato_enlargement": "NATO enlargement",
    "military_posture": "Military posture",
    "security_guarantees": "Security guarantees",
    "negotiations": "Negotiations",
    "invasion_war": "Invasion and war",
    "sanctions": "Sanctions",
    "territory": "Territory",
    "arms_supply": "Arms supply",
    "energy": "Energy",
    "humanitarian": "Humanitarian",
    "nuclear": "Nuclear",
    "economy": "Economy",
    "other": "Other",
}
STANCE_VERBS: dict[str, str] = {   # "Russia demands", "NATO rejects"
    "demand": "demands", "concession": "concedes", "dialogue": "offers talks", "rejection": "rejects",
    "warning": "warns", "accusation": "accuses", "denial": "denies", "support": "supports",
    "assertion": "asserts",
}
assert set(ISSUE_LABELS) == set(ISSUES) and set(STANCE_VERBS) == set(STANCES)


def _given(code) -> bool:
    return code is not None and code is not pd.NA and not (isinstance(code, float) and code != code)


def issue_label(code) -> str:
    """`nato_enlargement` -> `NATO enlargement`; an unknown code reads with spaces for underscores."""
    if not _given(code):
        return ""
    code = str(code)
    return ISSUE_LABELS.get(code, code.replace("_", " "))


def stance_verb(code) -> str:
    return STANCE_VERBS.get(str(code), str(code)) if _given(code) else ""


def issue_labels(codes: pd.Series) -> pd.Series:
    """issue_label of every value (for a chart's axis or a table's column)."""
    return codes.map(issue_label)
