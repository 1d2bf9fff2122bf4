"""An article is named by its title, else by its first line, never by an id when it has text."""
from core.present.evidence import HEADING_CHARS, article_heading


def test_title_wins():
    assert article_heading("  Talks resume ", "Body.", "a1") == "Talks resume"


def test_first_line_names_an_untitled_article():
    assert article_heading(None, "\n\nRussia said it was ready to talk.\nMore.", "a1") == "Russia said it was ready to talk."


def test_long_first_line_is_cut_at_a_word():
    text = "Russia said " + "very " * 40 + "much."
    got = article_heading(float("nan"), text, "a1")
    assert got.endswith("…") and len(got) <= HEADING_CHARS + 1 and not got[:-1].endswith(" ")


def test_id_only_when_there_is_no_text():
    assert article_heading(None, "  \n ", "a1") == "a1"
