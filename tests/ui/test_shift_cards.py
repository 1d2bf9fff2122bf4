"""A shift card is one HTML block: every value in it escaped, on one line."""
from __future__ import annotations

from ui.reviewing import shift_card

SHIFT = {"actor": "Russia", "issue": "nato_enlargement", "kind": "softened", "from_stance": "demand",
         "to_stance": "dialogue", "days": 12, "rule_id": "softened-demand", "explain": "A demand gave way to talks.",
         "from_sentence": "Moscow <script>alert(1)</script> demanded\n\nguarantees.", "from_date": "2022-01-10",
         "from_outlet": "[TASS](http://evil.example)", "to_sentence": "Talks **now**.", "to_date": "2022-01-22",
         "to_outlets": ["Reuters", "AP"]}


def test_a_shift_card_escapes_what_the_articles_bring_in():
    card = shift_card(SHIFT)
    assert "\n" not in card   # a blank line would end the HTML block and show the rest as text
    assert "<script>" not in card and "&lt;script&gt;" in card
    assert "](http" not in card and "**now**" not in card
    assert "<b>Russia</b> on <b>NATO enlargement</b>: <b>softened</b> (demand → dialogue, 12 days later)" in card
    assert "<b>Before</b>" in card and "<b>After</b>" in card and "Reuters, AP" in card


def test_a_card_without_outlets_says_so():
    card = shift_card({**SHIFT, "from_outlet": None, "to_outlets": []})
    assert card.count("unknown outlet") == 2
