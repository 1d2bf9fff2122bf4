"""Parley's core library: news articles in, position rows out. No Streamlit here.

    from core import extract_positions, extract_corpus
    df = extract_positions(text, article_id="a1", published="2022-02-14")
"""
from __future__ import annotations

EXTRACTOR_VERSION = "0.5.3"

__all__ = ["EXTRACTOR_VERSION", "extract_positions", "extract_corpus"]


def extract_positions(text: str, *, article_id: str, published: str, title: str | None = None):
    """Positions stated in one article's body, as a DataFrame in the contract's columns."""
    from core.extract.pipeline import extract_positions as run
    return run(text, article_id=article_id, published=published, title=title)


def extract_corpus(articles, *, progress=None):
    """Positions of every article in an articles DataFrame (columns of core.schema.ARTICLE_COLUMNS)."""
    from core.extract.pipeline import extract_corpus as run
    return run(articles, progress=progress)
