"""core.analysis.views on hand-written rows: the Articles picker's title search."""
from __future__ import annotations

import pandas as pd
import pytest

from core.analysis.views import titles_matching

LISTED = pd.DataFrame({
    "article_id": ["a-1", "b-2", "c-3", "d-4"],
    "title": ["Russia demands guarantees", "NATO answers Russia", None, "Talks in GENEVA"],
})


@pytest.mark.parametrize("search, expected", [
    ("", ["a-1", "b-2", "c-3", "d-4"]),          # no search: every article, in the list's order
    (None, ["a-1", "b-2", "c-3", "d-4"]),
    ("russia", ["a-1", "b-2"]),                   # any case
    ("  Russia   NATO ", ["b-2"]),                # every word, in any order
    ("geneva talks", ["d-4"]),
    ("c-3", ["c-3"]),                              # an article without a title is found by its id
    ("[x](y)", []),                                # searched as text, not as a pattern
    ("ukraine", []),
])
def test_titles_matching_keeps_the_articles_holding_every_word(search, expected):
    assert titles_matching(LISTED, search)["article_id"].tolist() == expected


def test_titles_matching_an_empty_list_stays_empty():
    assert titles_matching(LISTED.iloc[0:0], "russia").empty
