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
    from core.extract.features import analyse, candidates
    from core.extract.targets import pick_target

    infos = analyse(nlp("The Kremlin warned of consequences."), published="2022-02-14")
    cand = next(c for c in candidates(infos) if c.actor == "Russia")
    assert pick_target(cand, infos, {"Russia": "West"}) == ("West", "prior")
    assert pick_target(cand, infos, {}) == (None, "none")


def _options(nlp, text, actor, sentence_no, stance="demand"):
    from core.extract.features import analyse, candidates
    from core.extract.targets import target_options

    infos = analyse(nlp(text), published="2022-02-14")
    cand = next(c for c in candidates(infos) if c.actor == actor and c.sent_index == sentence_no)
    return dict(target_options(cand, infos, {}, stance))


def test_actors_named_a_few_sentences_back_are_options(nlp):
    text = ("Poland asked Germany for more tanks.\n\n"
            "The talks in Warsaw lasted all day.\n\n"
            "Lithuania demanded faster deliveries.")
    opts = _options(nlp, text, "Lithuania", 2)
    assert opts["Germany"].get("in_prev2") == 1.0 and "in_sentence" not in opts["Germany"]


def test_the_party_the_article_names_most_is_an_option(nlp):
    text = ("Hungary criticised the European Union over the sanctions.\n\n"
            "The European Union has frozen funds.\n\n"
            "The European Union said the talks lasted all day.\n\n"
            "The weather in the capital was mild.\n\n"
            "Latvia demanded tougher measures.")
    opts = _options(nlp, text, "Latvia", 4)
    assert opts["European Union"].get("article_rank=0") == 1.0


def test_a_legislator_criticising_its_own_government_may_target_it(nlp):
    text = "Sen. John Hale said the administration must impose tougher sanctions on Russia."
    opts = _options(nlp, text, "United States", 0)
    assert opts["United States"].get("self") == 1.0


def test_the_actor_is_no_option_for_itself_without_a_legislature(nlp):
    opts = _options(nlp, "Moscow warned Moscow's critics at home.", "Russia", 0, stance="warning")
    assert "Russia" not in opts
    from core.extract.features import analyse, candidates
    from core.extract.targets import pick_target

    infos = analyse(nlp("The Kremlin warned of consequences."), published="2022-02-14")
    cand = next(c for c in candidates(infos) if c.actor == "Russia")
    assert pick_target(cand, infos, {"Russia": "Russia"}) == (None, "none")
