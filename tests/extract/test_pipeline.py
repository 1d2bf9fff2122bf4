"""The pipeline on short texts written for these tests: contract, offsets, headline, explanations."""
from __future__ import annotations

import pandas as pd
import pytest

from core.schema import POSITION_COLUMNS, validate_positions

TEXT = ("Moscow demanded that NATO halt its expansion.\n\n"
        "Kyiv accused Moscow of shelling civilian areas on Sunday.\n\n"
        "The weather in Geneva was mild.")


@pytest.fixture(scope="module")
def positions(nlp):
    from core import extract_positions
    return extract_positions(TEXT, article_id="a1", published="2022-02-14", title="Moscow demands guarantees")


def test_rows_validate_and_have_every_column(positions):
    validate_positions(positions)
    assert list(positions.columns) == list(POSITION_COLUMNS)
    assert len(positions) >= 2


def test_sentence_is_the_text_at_its_offsets(positions):
    for row in positions.itertuples():
        assert TEXT[row.char_start:row.char_end] == row.sentence


def test_explanations_are_filled(positions):
    assert positions["rule_id"].notna().all() and positions["cue"].notna().all()


def test_date_resolves_weekday(positions):
    row = positions[positions["actor"] == "Ukraine"].iloc[0]
    assert (row.date, row.date_precision) == ("2022-02-13", "day")


def test_fact_sentence_gives_nothing(positions):
    assert not positions["sentence"].str.contains("weather").any()


def test_headline_is_not_body(nlp):
    from core import extract_positions
    text = "Moscow demands guarantees\n\nThe weather in Geneva was mild."
    df = extract_positions(text, article_id="a2", published="2022-02-14", title="Moscow demands guarantees")
    assert df.empty or not df["sentence"].str.startswith("Moscow demands guarantees").any()


def test_empty_text_gives_empty_frame(nlp):
    from core import extract_positions
    df = extract_positions("", article_id="a3", published="2022-02-14")
    assert df.empty and list(df.columns) == list(POSITION_COLUMNS)


def test_corpus_calls_progress_once_per_article(nlp):
    from core import extract_corpus
    from core.schema import articles_frame
    arts = articles_frame([dict(article_id=f"a{i}", text=TEXT, published="2022-02-14", title=None) for i in range(3)])
    ticks = []
    df = extract_corpus(arts, progress=ticks.append)
    assert ticks == [1, 1, 1] and set(df["article_id"]) == {"a0", "a1", "a2"}


def test_model_loads_from_repo_without_download():
    from core.extract.classifier import MODEL_PATH, load_model
    assert MODEL_PATH.exists(), "models/position_model.joblib is missing: run scripts/train_model.py"
    model = load_model()
    assert model.model_id and set(model.stance.labels) == set(pd.Series(list(model.stance.labels)))


def _dates_by_actor(text, published="2022-02-14"):
    from core import extract_positions
    rows = extract_positions(text, article_id="d1", published=published)
    return {r.actor: r.date for r in rows.itertuples()}


def test_undated_statement_takes_the_day_the_lede_reports(nlp):
    dates = _dates_by_actor(
        "Russian Foreign Minister Sergei Lavrov said on Sunday that Moscow would never accept NATO expansion.\n\n"
        "Ukrainian Foreign Minister Dmytro Kuleba accused Russia of massing troops near the border.")
    assert dates.get("Russia") == "2022-02-13"
    assert dates.get("Ukraine") == "2022-02-13"  # same news day, though its sentence names no time


def test_undated_statement_keeps_publication_date_when_the_lede_gives_no_day(nlp):
    dates = _dates_by_actor(
        "Russian Foreign Minister Sergei Lavrov said Moscow would never accept NATO expansion.\n\n"
        "Ukrainian Foreign Minister Dmytro Kuleba accused Russia of massing troops near the border.")
    assert dates.get("Ukraine") == "2022-02-14"


def test_a_lede_about_long_ago_does_not_date_the_report(nlp):
    dates = _dates_by_actor(
        "Russian Foreign Minister Sergei Lavrov said in 2014 that Moscow would never accept NATO expansion.\n\n"
        "Ukrainian Foreign Minister Dmytro Kuleba accused Russia of massing troops near the border.")
    assert dates.get("Ukraine") == "2022-02-14"


def test_a_speaker_quoted_on_a_named_day_keeps_that_day_later_in_the_report(nlp):
    from core import extract_positions
    rows = extract_positions(
        "Ukrainian Foreign Minister Dmytro Kuleba spoke to journalists in Kyiv.\n\n"
        "Kuleba said on Saturday that Ukraine was open to talks with Moscow.\n\n"
        "The weather in the capital was mild and the streets were busy with shoppers.\n\n"
        "Kuleba also accused Russia of massing troops near the border.",
        article_id="d2", published="2022-02-14")
    accusation = rows[rows["sentence"].str.startswith("Kuleba also")]
    assert len(accusation) and set(accusation["date"]) == {"2022-02-12"}


def test_a_mistyped_apostrophe_still_names_the_actor_and_keeps_the_text(nlp):
    # "Latvia´s" (an acute accent for the apostrophe) must read as Latvia's, and the evidence stays as written
    from core import extract_positions
    text = "Latvia´s Parliament accused Russia of deliberately targeting civilians."
    rows = extract_positions(text, article_id="ap1", published="2022-08-11")
    assert "Latvia" in set(rows["actor"])
    assert all(text[r.char_start:r.char_end] == r.sentence and "´" in r.sentence for r in rows.itertuples())
