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


def test_newest_order_pages_a_table_newest_first_undated_last():
    from core.analysis.views import newest_order

    df = pd.DataFrame({"date": pd.array(["2021-12", None, "2022-02-20", "2021-12-05", "2022-02-20"], dtype="string")})
    order = newest_order(df)
    assert df["date"].iloc[order].tolist() == ["2022-02-20", "2022-02-20", "2021-12-05", "2021-12", pd.NA]
    assert order[:2].tolist() == [2, 4]   # ties keep the frame's order: pages never swap rows between them
    assert newest_order(df.iloc[0:0]).tolist() == []
