"""core.present.why: the "why" sentence built from the row's rule columns (migration 013), never parsed back."""
from __future__ import annotations

import pytest

from core.present.why import DATE_RULES, HOLDER_RULES, explain


@pytest.mark.parametrize("rule_id, cue, model_id, words", [
    ("demand.call_on", "called on", None, "Extracted as demand by rule demand.call_on, on the words “called on”."),
    ("demand.call_on", "called on (demand.call_on, scored by stance-lr-1)", "stance-lr-1",
     "The stance model stance-lr-1 chose demand; the words “called on” in the sentence are a demand cue "
     "(rule demand.call_on)."),
    ("stance-lr-1", "no demand cue word; scored by stance-lr-1", "stance-lr-1",
     "The stance model stance-lr-1 chose demand, though no demand cue word is in the sentence."),
    (None, None, None, "Extracted as demand; the extractor recorded no rule for it."),
])
def test_why_this_stance(rule_id, cue, model_id, words):
    text = explain({"stance": "demand", "rule_id": rule_id, "cue": cue, "model_id": model_id, "confidence": 0.42})
    assert text == words + " The extractor's confidence: 0.42."


def test_why_this_actor_and_this_date():
    row = {"actor": "Russia", "stance": "demand", "rule_id": "m", "model_id": "m", "cue": "no demand cue word; scored by m",
           "holder_rule": "pronoun", "date": "2022-02-13", "date_rule": "news_day", "confidence": None}
    text = explain(row)
    assert "Why Russia: a pronoun (“he”, “they”) refers back to Russia." in text
    assert "Why 2022-02-13: the news day" in text
    unknown = explain({**row, "holder_rule": "new-rule", "date_rule": "weekday"})
    assert "the speaker rule new-rule chose Russia" in unknown and "own words date it (rule weekday)" in unknown


def test_a_reviewer_added_row_names_the_reviewer():
    assert explain({"rule_id": "review.added", "reviewer": "Cleo"}).startswith("Added by a reviewer (Cleo)")


def test_every_rule_the_extractor_writes_has_words(nlp):
    """The seed-like sentences below exercise the holder and date rules; each one they give is described."""
    from core import extract_positions

    text = ("Russian Foreign Minister Sergei Lavrov said on Sunday that Moscow demanded security guarantees. "
            "He added that NATO must stop its expansion. The Kremlin rejected the offer on Monday.")
    df = extract_positions(text, article_id="w1", published="2022-02-14")
    assert len(df) and df[["holder_rule", "date_rule", "model_id"]].notna().all().all()
    assert set(df["holder_rule"]) <= set(HOLDER_RULES)
    assert all(r in DATE_RULES or r not in ("published", "previous", "speaker", "news_day") for r in df["date_rule"])
