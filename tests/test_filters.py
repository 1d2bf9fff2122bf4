"""The URL ⇄ Filters codec: every parameter round-trips, bad values become notices, and the
sentence that says what a view shows."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs

import pytest

from core.filters import ALL_PARAMS, Filters, check_known, count_phrase, describe, from_query, query_string, to_query

D = dt.date


@pytest.mark.parametrize("params, expected", [
    ({"actor": ["Russia"]}, Filters(actor=("Russia",))),
    ({"actor": ["Russia", "NATO"]}, Filters(actor=("Russia", "NATO"))),
    ({"target": ["NATO"]}, Filters(target=("NATO",))),
    ({"stance": ["demand", "warning"]}, Filters(stance=("demand", "warning"))),
    ({"issue": ["nato_enlargement"]}, Filters(issue=("nato_enlargement",))),
    ({"outlet": ["Press TV", "The Moscow Times"]}, Filters(outlet=("Press TV", "The Moscow Times"))),
    ({"speaker": ["Sergei Lavrov"]}, Filters(speaker=("Sergei Lavrov",))),
    ({"from": ["2021-12-01"]}, Filters(date_from=D(2021, 12, 1))),
    ({"to": ["2022-02-24"]}, Filters(date_to=D(2022, 2, 24))),
    ({"q": ["red line"]}, Filters(q="red line")),
    ({"conf": ["0.5"]}, Filters(min_confidence=0.5)),
    ({"conf": ["0"]}, Filters(min_confidence=0.0)),
    ({"actor": ["Russia"], "target": ["NATO", "United States"], "stance": ["demand"], "issue": ["sanctions"],
      "outlet": ["AP"], "speaker": ["Antony Blinken"], "from": ["2021-12-01"], "to": ["2022-03-01"], "q": "gas"},
     Filters(actor=("Russia",), target=("NATO", "United States"), stance=("demand",), issue=("sanctions",),
             outlet=("AP",), speaker=("Antony Blinken",), date_from=D(2021, 12, 1), date_to=D(2022, 3, 1), q="gas")),
])
def test_every_parameter_round_trips(params, expected):
    parsed = from_query(params)
    assert parsed == expected and not parsed.notices
    assert from_query(to_query(parsed)) == parsed
    assert from_query(parse_qs(query_string(parsed).lstrip("?"))) == parsed  # through a real query string


def test_all_parameters_are_covered_by_the_round_trip():
    full = Filters(actor=("A",), target=("B",), stance=("demand",), issue=("energy",), outlet=("O",),
                   speaker=("S",), date_from=D(2022, 1, 1), date_to=D(2022, 2, 1), q="x", min_confidence=0.4)
    assert set(to_query(full)) == set(ALL_PARAMS)
    assert from_query(to_query(full)) == full


@pytest.mark.parametrize("params, expected", [
    ({"actor": ["Russia", "Russia", " NATO "]}, ("Russia", "NATO")),  # repeated values kept once, in order
    ({"actor": ["", "  "]}, ()),                                      # blanks ignored
    ({"actor": "Russia"}, ("Russia",)),                               # one value given as a string
])
def test_repeated_and_blank_values(params, expected):
    assert from_query(params).actor == expected


@pytest.mark.parametrize("params, field, needle", [
    ({"from": ["2022-13-01"]}, "date_from", "from='2022-13-01'"),
    ({"to": ["yesterday"]}, "date_to", "to='yesterday'"),
    ({"from": ["01/02/2022"]}, "date_from", "YYYY-MM-DD"),
    ({"stance": ["demands"]}, "stance", "stance='demands'"),
    ({"issue": ["nato"]}, "issue", "issue='nato'"),
    ({"from": ["2022-03-01"], "to": ["2022-01-01"]}, "date_to", "before from"),
    ({"conf": ["high"]}, "min_confidence", "conf='high'"),
    ({"conf": ["1.5"]}, "min_confidence", "from 0 to 1"),
    ({"conf": ["-0.1"]}, "min_confidence", "from 0 to 1"),
])
def test_bad_values_are_ignored_with_a_notice(params, field, needle):
    parsed = from_query(params)
    assert getattr(parsed, field) in (None, ())
    assert any(needle in n for n in parsed.notices), parsed.notices


def test_notices_do_not_change_equality():
    assert from_query({"from": ["bad"]}) == Filters()


def test_unknown_actor_is_dropped_with_a_notice():
    known = {"actor": ["Russia", "NATO"], "target": ["NATO"]}
    checked = check_known(from_query({"actor": ["Russia", "Atlantis"], "target": ["NATO"]}), known)
    assert checked.actor == ("Russia",) and checked.target == ("NATO",)
    assert checked.notices == ("Ignored actor='Atlantis': no actor of that name in the data.",)


def test_known_values_pass_untouched():
    f = from_query({"actor": ["Russia"]})
    assert check_known(f, {"actor": ["Russia"]}) is f


@pytest.mark.parametrize("filters, n, sentence", [
    (Filters(), 1234, "Showing 1,234 positions."),
    (Filters(), 1, "Showing 1 position."),
    (Filters(), 0, "Showing 0 positions."),
    (Filters(stance=("demand",), actor=("Russia",), date_from=D(2021, 12, 1)), 42,
     "Showing 42 positions: stance is demand, actor is Russia, from 2021-12-01."),
    (Filters(actor=("Russia", "NATO"), q="red line", date_to=D(2022, 2, 24)), 3,
     'Showing 3 positions: actor is Russia or NATO, text contains "red line", to 2022-02-24.'),
    (Filters(target=("NATO",), issue=("energy",), speaker=("S",), outlet=("AP",)), 2,
     "Showing 2 positions: target is NATO, issue is Energy, speaker is S, outlet is AP."),
    (Filters(stance=("demand",), min_confidence=0.5), 7, "Showing 7 positions: stance is demand, confidence at least 0.5."),
])
def test_describe(filters, n, sentence):
    assert describe(filters, n) == sentence


def test_describe_adds_the_page_focus_last():
    assert describe(Filters(stance=("demand",)), 4, extra=["profile of Russia"]) == \
        "Showing 4 positions: stance is demand, profile of Russia."


def test_count_phrase():
    assert count_phrase(1_000_000) == "1,000,000 positions"


def test_query_string_keeps_view_parameters_and_drops_empty_ones():
    qs = query_string(Filters(actor=("Russia", "NATO")), {"_actor": "Russia", "_compare": None})
    assert qs == "?actor=Russia&actor=NATO&_actor=Russia"
    assert query_string(Filters()) == ""


def test_confidence_is_kept_to_two_decimals_in_a_link():
    assert from_query({"conf": ["0.456"]}).min_confidence == 0.46
    assert query_string(Filters(min_confidence=0.5)) == "?conf=0.5"


@pytest.mark.parametrize("params, expected", [
    ({"stance": ["DEMAND"]}, Filters(stance=("demand",))),
    ({"stance": ["Demand", "demand"], "issue": ["NATO_Enlargement"]},
     Filters(stance=("demand",), issue=("nato_enlargement",))),
])
def test_stance_and_issue_are_read_whatever_their_case(params, expected):
    parsed = from_query(params)
    assert parsed == expected and not parsed.notices
    assert from_query(to_query(parsed)) == parsed   # the round trip writes the canonical lower case
    assert to_query(parsed)["stance"] == ["demand"]


def test_a_long_search_text_is_shortened_in_the_sentence_only():
    q = "guarantees " * 436  # 4,796 characters
    f = from_query({"q": [q]})
    said = describe(f, 3)
    assert len(said) < 200 and '…' in said and "(4,795 characters)" in said
    assert from_query(to_query(f)).q == q.strip()   # the link keeps it whole


def test_issue_codes_read_as_words_in_the_sentence():
    assert describe(Filters(issue=("nato_enlargement",)), 1) == "Showing 1 position: issue is NATO enlargement."


def test_download_names_follow_the_view():
    from core.filters import file_stem

    f = Filters(stance=("demand",), actor=("United States",), date_from=D(2022, 1, 1))
    assert file_stem("positions", f) == "parley_positions_stance-demand_actor-United-States_from-2022-01-01"
    assert file_stem("actors", Filters(), ["Russia"]) == "parley_actors_Russia"
    assert len(file_stem("positions", Filters(q="x" * 500, actor=tuple("ab" * 40)))) <= 80
