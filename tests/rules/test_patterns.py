"""PatternSet: searching many patterns at once finds exactly what searching each alone finds."""
import re

from core.rules.patterns import GROUP_SIZE, PatternSet


def _one_by_one(patterns, text):
    return [(i, m.span()) for i, p in enumerate(patterns) if (m := p.search(text))]


def test_overlapping_patterns_all_fire_with_their_own_first_match():
    # "red line" and "line" overlap, and "warn" fires twice: each pattern reports its own first match
    patterns = [re.compile(p) for p in (r"\bred line\b", r"\bline\b", r"\bwarn(s|ed)?\b", r"\bsanction")]
    text = "moscow warned that nato crossed a red line, and warns again"
    found = [(i, m.span()) for i, m in PatternSet(patterns).search(text)]
    assert found == _one_by_one(patterns, text)
    assert [i for i, _ in found] == [0, 1, 2]


def test_patterns_beyond_one_group_and_back_references_still_fire():
    # the fillers carry groups of their own, so a joined "\1" would point at the wrong one
    filler = [re.compile(rf"\bnever{i}(s)?\b") for i in range(GROUP_SIZE + 3)]
    patterns = [*filler, re.compile(r"\b(\w+) \1\b")]
    text = "they said no no to the plan"
    found = [(i, m.span()) for i, m in PatternSet(patterns).search(text)]
    assert found == _one_by_one(patterns, text)
    assert [i for i, _ in found] == [len(filler)]


def test_no_pattern_matching_gives_nothing():
    assert list(PatternSet([re.compile(r"\bwarn\b")]).search("nothing here")) == []


def test_a_conditional_on_a_group_number_still_fires():
    filler = [re.compile(rf"\bnever{i}(s)?\b") for i in range(3)]
    patterns = [*filler, re.compile(r"\b(no)? ?(?(1)deal|treaty)\b")]
    for text in ("they said no deal", "a treaty was signed"):
        found = [(i, m.span()) for i, m in PatternSet(patterns).search(text)]
        assert found == _one_by_one(patterns, text) and [i for i, _ in found] == [3]
