"""Stance per sentence: one short sentence per stance, plus negation and modality (sentences written for these tests)."""
from __future__ import annotations

import pytest

from core.extract.hedging import direct_quote, is_hedged
from core.extract.stance import explain, find_cues

CASES = [
    ("Moscow demanded that NATO halt its expansion.", "Russia", "demand"),
    ("The Kremlin urged Washington to stop arming its neighbour.", "Russia", "demand"),
    ("Kyiv said it was willing to give up its bid to join the alliance as a compromise.", "Ukraine", "concession"),
    ("The Kremlin said it was ready to continue negotiations with Washington.", "Russia", "dialogue"),
    ("Washington rejected Moscow's proposal for a new security treaty.", "United States", "rejection"),
    ("Moscow warned that it would respond to any deployment of missiles in Europe.", "Russia", "warning"),
    ("Kyiv accused Moscow of shelling civilian areas.", "Ukraine", "accusation"),
    ("The Kremlin denied that it had any plans to attack its neighbour.", "Russia", "denial"),
    ("Washington pledged to support Kyiv with more air defence systems.", "United States", "support"),
]


@pytest.fixture(scope="module")
def extract(nlp):
    from core import extract_positions

    def run(text):
        return extract_positions(text, article_id="t", published="2022-02-14")
    return run


@pytest.mark.parametrize("text,actor,stance", CASES)
def test_cue_rules_fire_for_each_stance(text, actor, stance):
    assert stance in {h.stance for h in find_cues(text)}


@pytest.mark.parametrize("text,actor,stance", CASES)
def test_pipeline_gives_the_stance_to_the_actor(extract, text, actor, stance):
    df = extract(text)
    got = set(zip(df["actor"], df["stance"], strict=False))
    assert (actor, stance) in got, f"{text!r}: got {sorted(got)}"


def test_will_not_allow_is_a_warning():
    assert "warning.not_allow" in {h.rule_id for h in find_cues("Moscow will not allow NATO troops on its border.")}


def test_might_give_up_is_a_hedged_concession(extract):
    text = "Kyiv might give up its ambition of joining NATO, the minister said."
    assert "concession" in {h.stance for h in find_cues(text)}
    hedged, word = is_hedged(text)
    assert hedged and word == "might"


def test_plain_statement_is_not_hedged():
    assert is_hedged("Moscow rejected the proposal.") == (False, None)


def test_direct_quote_is_pulled_without_marks():
    assert direct_quote("“We will not accept this ultimatum,” the minister said.") == "We will not accept this ultimatum,"


def test_explain_names_rule_or_model():
    hits = find_cues("Moscow demanded guarantees.")
    rule_id, cue = explain("demand", hits, "m@1")
    assert rule_id == "demand.demand" and "demanded" in cue
    assert explain("support", hits, "m@1")[0] == "m@1"
