"""Sentence splitting by the spec's conventions."""
from __future__ import annotations

import pytest

from core.extract.segment import split_sentences


def texts(nlp, text):
    return [s.text for s in split_sentences(nlp(text))]


def test_offsets_point_into_the_original_text(nlp):
    text = "MOSCOW (AP) — The minister spoke. He left early."
    for s in split_sentences(nlp(text)):
        assert text[s.start_char:s.end_char] == s.text


@pytest.mark.parametrize("text, first", [
    ("MOSCOW (AP) — Russia said on Monday it would respond.", "Russia said on Monday it would respond."),
    ("KYIV, Feb 5 (Reuters) - Ukraine asked for more air defence.", "Ukraine asked for more air defence."),
    ("WASHINGTON, December 23. /TASS/. The envoy met his counterpart.", "The envoy met his counterpart."),
    ("(CNN) A senior official warned of war.", "A senior official warned of war."),
    ("KYIV, Ukraine — The talks ended late.", "The talks ended late."),
    ("Russia told CNN - in a statement - that it disagreed.", "Russia told CNN - in a statement - that it disagreed."),
])
def test_dateline_is_not_part_of_the_sentence(nlp, text, first):
    assert texts(nlp, text)[0] == first


def test_glued_dateline_keeps_the_first_word(nlp):
    first = texts(nlp, "(CNN)A senior official warned of war.")[0]
    assert first.endswith("A senior official warned of war.") and not first.startswith("(")


def test_quote_and_attribution_are_one_sentence(nlp):
    text = "“We are ready to talk,” the minister said. Talks resume on Friday."
    assert texts(nlp, text) == ["“We are ready to talk,” the minister said.", "Talks resume on Friday."]


def test_a_long_quote_is_cut_where_its_sentences_end(nlp):
    text = "“We are ready to talk. But not at any price,” the minister said."
    assert texts(nlp, text) == ["“We are ready to talk.", "But not at any price,” the minister said."]


def test_a_free_standing_ellipsis_does_not_end_a_sentence(nlp):
    text = "He added, “Our options are far from exhausted ... At this stage, I would keep talking.”"
    assert len(texts(nlp, text)) == 1


def test_an_ellipsis_glued_to_its_word_ends_a_sentence(nlp):
    assert texts(nlp, "Honestly, not really... Your money is not charity.") == [
        "Honestly, not really...", "Your money is not charity."]


@pytest.mark.parametrize("text, n", [
    ("The U.S. Secretary of State spoke first. Gen. Mark Hollis answered.", 2),
    ("The meeting on Jan. 10 in Geneva was long. It ended at dusk.", 2),
    ("Sanctions were announced by the U.S. The Kremlin called them illegal.", 2),
])
def test_abbreviations_do_not_split(nlp, text, n):
    assert len(texts(nlp, text)) == n


def test_paragraphs_always_break(nlp):
    text = "Russia warned the alliance\n\nNATO said it would not back down.\nThe envoy left."
    assert texts(nlp, text) == ["Russia warned the alliance", "NATO said it would not back down.", "The envoy left."]


def test_a_doc_without_sentence_boundaries_is_cut_at_newlines():
    import spacy

    doc = spacy.blank("en")("Russia warned NATO. It said more.\n\nKyiv replied.")
    assert [s.text for s in split_sentences(doc)] == ["Russia warned NATO. It said more.", "Kyiv replied."]
