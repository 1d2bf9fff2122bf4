"""Targets: the other party the stance is aimed at (sentences written for these tests)."""
from __future__ import annotations

import pytest

CASES = [
    ("Moscow demanded that NATO halt its expansion.", "Russia", "NATO"),
    ("Kyiv accused Moscow of shelling civilian areas.", "Ukraine", "Russia"),
    ("Washington rejected Moscow's proposal for a new security treaty.", "United States", "Russia"),
]


@pytest.fixture(scope="module")
def extract(nlp):
    from core import extract_positions
    return lambda text: extract_positions(text, article_id="t", published="2022-02-14")


@pytest.mark.parametrize("text,actor,target", CASES)
def test_target_is_the_other_party(extract, text, actor, target):
    df = extract(text)
    rows = df[df["actor"] == actor]
    assert len(rows) and set(rows["target"].dropna()) == {target}


def test_target_is_never_the_actor_itself(extract):
    df = extract("Moscow warned Moscow's critics at home.")
    assert not (df["target"] == df["actor"]).any()


def test_prior_is_used_when_no_other_party(nlp):
    from core.features import analyse, candidates
    from core.targets import pick_target

    infos = analyse(nlp("The Kremlin warned of consequences."), published="2022-02-14")
    cand = next(c for c in candidates(infos) if c.actor == "Russia")
    assert pick_target(cand, infos, {"Russia": "West"}) == ("West", "prior")
    assert pick_target(cand, infos, {}) == (None, "none")
