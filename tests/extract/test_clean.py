"""The boilerplate mask: furniture blanked, body kept, offsets unchanged. Texts written for these tests."""
from __future__ import annotations

import json

import pytest

from core.extract.clean import find_boilerplate, load_rules, mask_boilerplate
from core.rules.datafiles import DataFileError

BODY = "Moscow demanded that NATO halt its expansion. The alliance rejected the demand on Monday."


def test_same_length_and_newlines_kept():
    text = f"World / Europe / Russia\n\n{BODY}\n\nShare this article\n"
    masked = mask_boilerplate(text)
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(text) if c == "\n"] == [i for i, c in enumerate(masked) if c == "\n"]
    assert BODY in masked
    assert "Share" not in masked and "Europe" not in masked


@pytest.mark.parametrize("furniture", [
    "World / Europe / Russia",
    "Home > News > Diplomacy",
    "Share this article",
    "SHARE",
    "Follow us on Telegram",
    "Subscribe to our newsletter",
    "Read more: Kremlin answers NATO",
    "Our website can also be accessed at the following addresses:",
    "https://example.org/news/1234",
    "By Jane Smith and John Doe",
    "Reporting by Jane Smith; Editing by John Doe",
    "Jane Smith contributed to this report.",
    "A soldier on patrol near the border (Photo by Jane Smith/Example Agency)",
    "File photo: the foreign ministry building in Moscow",
    "Troops at an exercise. Getty Images",
    "© 2022 Example News. All rights reserved.",
    "Talks in Geneva",
    "- A new red line -",
    "## What did Moscow demand?",
])
def test_furniture_lines_are_masked(furniture):
    text = f"{BODY}\n\n{furniture}\n\n{BODY}"
    masked = mask_boilerplate(text)
    assert furniture not in masked and masked.count(BODY) == 2


@pytest.mark.parametrize("dateline, kept", [
    ("MOSCOW (AP) — ", "Russia demanded guarantees on Monday."),
    ("KYIV, Feb 14 (Reuters) - ", "Ukraine rejected the plan."),
    ("BRUSSELS, Jan. 14 (Xinhua) -- ", "NATO rejected the demand."),
    ("WASHINGTON, December 23. /TASS/. ", "The US said it would reply."),
    ("(CNN)", "A senior official warned Russia."),
    ("GENEVA — ", "The talks ended without progress."),
    ("KYIV, Ukraine (AP) — ", "Kyiv accused Moscow of shelling."),
])
def test_dateline_masked_sentence_kept(dateline, kept):
    text = f"{dateline}{kept} {BODY}"
    masked = mask_boilerplate(text)
    assert masked.startswith(" " * len(dateline)) and masked[len(dateline):] == text[len(dateline):]


def test_dateline_only_at_the_start_of_the_first_paragraph():
    text = f"{BODY}\n\nLATER (AP) — this is not a dateline position."
    assert mask_boilerplate(text) == text


def test_repeated_headline_masked():
    title = "Kremlin keeps door open to talks"
    text = f"{title}\n\n{BODY}"
    assert mask_boilerplate(text, title).strip() == BODY
    assert mask_boilerplate(f"Kremlin keeps door open to talks\n\n{BODY}", "Kremlin  keeps door open to talks!").strip() == BODY


def test_inline_photo_credit_masked_sentence_kept():
    text = "Putin (Photo by Jane Smith) said Russia was ready to talk. " + BODY
    masked = mask_boilerplate(text)
    assert "Photo" not in masked and masked.startswith("Putin ") and "said Russia was ready to talk." in masked


@pytest.mark.parametrize("body", [
    BODY,
    "“We will not allow it,” Lavrov said.",
    "Zelensky: we are ready to talk",          # a short paragraph that is a statement, inside running text
    "He said the share of gas in the deal was small.",
    "Follow-up talks are planned in Geneva, the ministry said.",
])
def test_body_is_kept(body):
    text = f"{BODY}\n{body}\n{BODY}"
    assert mask_boilerplate(text) == text


def test_one_paragraph_texts_are_not_masked_by_shape():
    # some sources flatten an article into one line: nothing there is a stand-alone line
    text = "Talks in Geneva " + BODY
    assert mask_boilerplate(text) == text


def test_hard_wrapped_text_is_kept():
    text = ("Moscow demanded that NATO halt its expansion and\nwithdraw its forces from Eastern Europe, the\n"
            "minister said on Monday in a speech to the\nparliament in Moscow.\n")
    assert mask_boilerplate(text) == text


def test_find_boilerplate_names_the_rule():
    spans = find_boilerplate(f"Share this article\n\n{BODY}")
    assert [rule for *_, rule in spans] == ["share-prompt"]


def test_rules_file_validates(tmp_path):
    assert load_rules()
    bad = tmp_path / "rules.jsonl"
    bad.write_text(json.dumps({"id": "x", "kind": "line", "max_chars": 10, "pattern": "("}) + "\n")
    with pytest.raises(DataFileError, match=r"rules\.jsonl:1: .*regular expression"):
        load_rules.__wrapped__(str(bad))


def test_repeated_headline_without_site_name():
    text = f"Kremlin keeps door open to talks\n\n{BODY}"
    assert mask_boilerplate(text, "Kremlin keeps door open to talks | Example News").strip() == BODY


def test_mistyped_apostrophes_between_letters_become_real_ones_and_nothing_else_moves():
    from core.extract.clean import typographic_apostrophes
    text = "Latvia´s view, Russia`s plan; an accent ´ alone and `code` stay."
    out = typographic_apostrophes(text)
    assert out == "Latvia’s view, Russia’s plan; an accent ´ alone and `code` stay."
    assert len(out) == len(text)
