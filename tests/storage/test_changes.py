"""core.storage.changes: what is new since a moment, with the real shift rules, on hand-written rows."""
from __future__ import annotations

import pandas as pd

from core.storage.changes import what_changed
from tests.analysis.test_shifts import line


def corpus():
    russia = line(("2026-11-01", "demand"), ("2026-12-04", "dialogue"))             # art0 old, art1 new
    ukraine = line(("2026-11-02", "warning"), actor="Ukraine", issue="sanctions")   # art0 old
    ukraine["article_id"] = "old-ua"
    eu = line(("2026-12-05", "demand"), ("2026-12-05", "demand"), actor="European Union", issue="sanctions")
    eu["article_id"] = "new-eu"
    return pd.concat([russia, ukraine, eu], ignore_index=True)


def test_new_rows_and_a_new_shift_against_the_old_line():
    ch = what_changed(corpus(), {"art1", "new-eu"}, "2026-12-03")
    assert (ch.new_articles, ch.new_positions) == (2, 3)
    assert ch.shifts[["actor", "kind", "from_stance", "to_stance"]].values.tolist() == [
        ["Russia", "softened", "demand", "dialogue"]]
    assert ch.actors[0] == ("Russia", 1, 1)          # a shift ranks above more new positions
    assert ch.actors[1] == ("European Union", 2, 0)
    assert ch.issues[0] == ("nato_enlargement", 1, 1)
    text = ch.text()
    assert text.startswith("Since 2026-12-03: 3 new positions from 2 new articles, 1 new shifts.")
    assert "Russia softened on nato_enlargement: demand → dialogue (2026-12-04)" in text
    assert "Moved most: Russia (1 new, 1 shifts), European Union (2 new)" in text


def test_an_old_shift_is_not_new():
    ch = what_changed(corpus(), {"new-eu"}, "2026-12-05")
    assert ch.shifts.empty and ch.new_positions == 2 and not ch.is_empty()


def test_nothing_new():
    ch = what_changed(corpus(), set(), "2026-12-07")
    assert ch.is_empty() and ch.actors == [] and ch.text() == (
        "Since 2026-12-07: 0 new positions from 0 new articles, 0 new shifts.")
    assert what_changed(corpus().iloc[0:0], {"x"}, "2026-12-07").is_empty()
