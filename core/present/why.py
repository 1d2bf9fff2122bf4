"""Why a position row exists, in sentences: why this actor, why this stance, why this date.

One function, `explain(row)`, used by the Articles and Review pages. It reads the row's own columns
(`rule_id`, `cue`, `model_id`, `holder_rule`, `date_rule`, `confidence`), never parses a sentence
back: the extractor stores each rule as data (migration 013).
"""
from __future__ import annotations

import pandas as pd

ADDED_RULE = "review.added"  # rule_id of a position a reviewer added: "why" is a person, not a cue

# The holder rules of core.extract.speakers (Holder.how), and the features' own two.
HOLDER_RULES: dict[str, str] = {
    "said-subject": "{actor} is the subject of a reporting or stance verb",
    "according-to": "the sentence gives it as “according to” {actor}",
    "pronoun": "a pronoun (“he”, “they”) refers back to {actor}",
    "role-ref": "a role (“the minister”) refers back to {actor}",
    "both-sides": "“both sides” are {actor} and the other main party",
    "possessive": "the sentence names {actor}'s own demand, proposal or warning",
    "embedded": "{actor} is the subject inside what someone else is reported to say",
    "quote-forward": "the quotation is attributed to {actor} where it ends",
    "quote-carry": "the quotation continues {actor}'s last statement nearby",
    "colon-quote": "the sentence introduces {actor}'s quotation with a colon",
    "in-quote": "{actor} is named as the subject inside the quotation",
    "carried": "the sentence continues {actor}'s statement just before it",
    "mention": "{actor} is named in the sentence (no speaker rule applied)",
}

# The date rules: core.extract.dates' ResolvedDate.rule, and the pipeline's news day.
DATE_RULES: dict[str, str] = {
    "published": "the sentence names no time: the article's publication date",
    "none": "the sentence says only “recently” or “earlier”: the article's publication date",
    "previous": "the sentence continues the statement before it, and takes its date",
    "speaker": "the day the article last named for this speaker's words",
    "news_day": "the news day: the day the article's lede says its statement was made",
}


def explain(row) -> str:
    """Why this row exists, in words: the stance's rule and cue (or the reviewer who added it), then the
    holder's and the date's rule when the row records them, then the extractor's confidence."""
    rule, stance = _plain(row.get("rule_id")), _plain(row.get("stance")) or "?"
    if rule == ADDED_RULE:
        return f"Added by a reviewer ({_plain(row.get('reviewer')) or 'unknown'}): the extractor had missed it."
    parts = [_why_stance(stance, rule, _plain(row.get("cue")), _plain(row.get("model_id")))]
    holder = _plain(row.get("holder_rule"))
    if holder:
        text = HOLDER_RULES.get(holder, "the speaker rule {rule} chose {actor}")
        parts.append(f"Why {_plain(row.get('actor'))}: "
                     + text.format(actor=_plain(row.get("actor")), rule=holder) + ".")
    date_rule = _plain(row.get("date_rule"))
    if date_rule:
        text = DATE_RULES.get(date_rule, f"the sentence's own words date it (rule {date_rule})")
        parts.append(f"Why {_plain(row.get('date'))}: {text}.")
    conf = row.get("confidence")
    if conf is not None and not pd.isna(conf):
        parts.append(f"The extractor's confidence: {float(conf):.2f}.")
    return " ".join(parts)


def _why_stance(stance: str, rule: str | None, cue: str | None, model: str | None) -> str:
    if not rule:
        return f"Extracted as {stance}; the extractor recorded no rule for it."
    if model and rule == model:
        return f"The stance model {model} chose {stance}, though no {stance} cue word is in the sentence."
    if model:
        words = (cue or "").removesuffix(f" ({rule}, scored by {model})")
        return (f"The stance model {model} chose {stance}; the words “{words}” in the sentence "
                f"are a {stance} cue (rule {rule}).")
    return f"Extracted as {stance} by rule {rule}" + (f", on the words “{cue}”." if cue else ".")


def _plain(value):
    """None for a missing value (None, NaN, pd.NA, ""), else the value."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value) or value == "":
        return None
    return value
