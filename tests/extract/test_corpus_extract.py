"""Extraction over the shared corpus: sane behaviour, no gold answers asserted (skips without ../shared)."""
from __future__ import annotations

import pytest

from core.schema import STANCES, articles_frame, validate_positions


@pytest.fixture(scope="module")
def corpus_positions(corpus_articles, nlp):
    from core import extract_corpus
    arts = articles_frame(corpus_articles)
    return arts, extract_corpus(arts)


def test_every_row_validates(corpus_positions):
    _, df = corpus_positions
    validate_positions(df)
    assert len(df) > 100


def test_sentences_are_substrings_at_their_offsets(corpus_positions):
    arts, df = corpus_positions
    texts = dict(zip(arts["article_id"], arts["text"], strict=False))
    for row in df.itertuples():
        assert texts[row.article_id][row.char_start:row.char_end] == row.sentence


def test_no_headline_rows(corpus_positions):
    arts, df = corpus_positions
    titles = {a: t.strip() for a, t in zip(arts["article_id"], arts["title"], strict=False) if isinstance(t, str) and t.strip()}
    assert not any(row.sentence.strip() == titles.get(row.article_id) for row in df.itertuples())


def test_several_stances_and_most_articles_covered(corpus_positions):
    arts, df = corpus_positions
    assert df["stance"].nunique() >= 6 and set(df["stance"]) <= set(STANCES)
    assert df["article_id"].nunique() >= 0.8 * len(arts)


def test_seed_article(shared_dir, nlp):
    import json

    from core import extract_positions
    seed = json.loads((shared_dir / "corpus" / "seed.jsonl").read_text().splitlines()[0])
    df = extract_positions(seed["text"], article_id=seed["id"], published=seed["published"], title=seed["title"])
    validate_positions(df)
    assert len(df) >= 5 and {"Russia"} <= set(df["actor"])
