"""Blank out page furniture so that only article body reaches the sentence splitter.

`mask_boilerplate(text, title)` returns a string of exactly the same length in
which non-body material is replaced by spaces (newlines kept): character
offsets into the result are offsets into the original, so a sentence found in
the masked text can be highlighted in the article as it is.

What counts as furniture is decided by the shape of a line and by generic
patterns kept as data (core/data/boilerplate.jsonl): breadcrumbs, share and
follow prompts, captions and photo credits, bylines and credit lines, mirror
footers, a dateline opening the first paragraph ("MOSCOW (AP) —"), the headline
repeated in the body, and short stand-alone lines without sentence punctuation
(subheads, captions, site names), which would otherwise be glued to the next
sentence by the parser.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from core.rules.datafiles import DataFileError, Field, load_records

DATA_FILE = "boilerplate.jsonl"
KINDS = ("line", "span", "dateline")

# A stand-alone line this short that does not end like a sentence is a subhead or a caption.
SHORT_LINE_WORDS = 12
SHORT_LINE_CHARS = 90
_SENTENCE_END = re.compile(r"""[.!?:;,"”’'»)…\]]\s*$""")
# An acute accent or backtick typed for an apostrophe between letters ("Latvia´s"): the parser would read
# "Latvia´s" as one word, and the name inside it as no name at all.
_MISTYPED_APOSTROPHE = re.compile(r"(?<=[^\W\d_])[´`](?=[^\W\d_])")


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    regex: re.Pattern
    max_chars: int | None


def _compiles(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as err:
        return f"not a valid regular expression ({err})"
    return None


_FIELDS = [
    Field("kind", (str,), choices=KINDS),
    Field("pattern", (str,), check=_compiles),
    Field("max_chars", (int,), required=False),
    Field("note", (str,), required=False),
]


@functools.lru_cache(maxsize=1)
def load_rules(path: str = DATA_FILE) -> tuple[Rule, ...]:
    rules = []
    for rec in load_records(path, _FIELDS):
        if rec["kind"] == "line" and not rec.get("max_chars"):
            raise DataFileError(path, None, f"line rule {rec['id']!r} needs max_chars")
        flags = 0 if rec["kind"] == "dateline" else re.IGNORECASE  # datelines rely on capitals
        rules.append(Rule(rec["id"], rec["kind"], re.compile(rec["pattern"], flags), rec.get("max_chars")))
    return tuple(rules)


def typographic_apostrophes(text: str) -> str:
    """`text` with mistyped apostrophes between letters made real ones; same length."""
    return _MISTYPED_APOSTROPHE.sub("’", text)


def mask_boilerplate(text: str, title: str | None = None) -> str:
    """`text` with furniture replaced by spaces; same length, newlines kept."""
    spans = find_boilerplate(text, title)
    if not spans:
        return text
    chars = list(text)
    for start, end, _rule in spans:
        for i in range(start, end):
            if chars[i] not in "\n\r":
                chars[i] = " "
    return "".join(chars)


def find_boilerplate(text: str, title: str | None = None) -> list[tuple[int, int, str]]:
    """(start, end, rule id) of every stretch of furniture, in text order."""
    rules = load_rules()
    spans: list[tuple[int, int, str]] = []
    lines = list(_lines(text))
    heading = _headline_keys(title) if title else None
    first_body = None
    for i, (start, line) in enumerate(lines):
        rule_id = _line_rule(line, rules, heading, _standalone(lines, i))
        if rule_id:
            spans.append((start, start + len(line), rule_id))
        elif line.strip() and first_body is None:
            first_body = (start, line)
    if first_body is not None:
        spans.extend(_dateline(*first_body, rules))
    spans.extend(_inline(text, rules, spans))
    return sorted(spans)


# ---------------------------------------------------------------- rules

def _line_rule(line: str, rules, heading: str | None, standalone: bool) -> str | None:
    stripped = line.strip()
    if not stripped:
        return None
    for rule in rules:
        if rule.kind == "line" and len(stripped) <= rule.max_chars and rule.regex.search(stripped):
            return rule.id
    if heading and _normalise(stripped) in heading:
        return "headline-repeated"
    if standalone and _short_fragment(stripped):
        return "short-standalone-line"
    return None


def _short_fragment(line: str) -> bool:
    words = line.split()
    return (len(words) <= SHORT_LINE_WORDS and len(line) <= SHORT_LINE_CHARS
            and not _SENTENCE_END.search(line) and any(c.isalpha() for c in line))


def _dateline(start: int, line: str, rules) -> list[tuple[int, int, str]]:
    for rule in rules:
        if rule.kind == "dateline" and (m := rule.regex.match(line)) and m.end() > m.start():
            return [(start + m.start(), start + m.end(), rule.id)]
    return []


def _inline(text: str, rules, taken) -> list[tuple[int, int, str]]:
    found = []
    for rule in rules:
        if rule.kind != "span":
            continue
        for m in rule.regex.finditer(text):
            if not any(s <= m.start() and m.end() <= e for s, e, _ in taken):
                found.append((m.start(), m.end(), rule.id))
    return found


# ---------------------------------------------------------------- helpers

def _lines(text: str):
    """(offset, line) for each line, without its newline."""
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _standalone(lines: list[tuple[int, str]], i: int) -> bool:
    """A line with a blank line (or the text's edge) on both sides, or in a text whose paragraphs are lines.

    In one-paragraph texts (sources that flattened their breaks) nothing is stand-alone.
    """
    if len(lines) < 3:
        return False
    before = lines[i - 1][1].strip() if i > 0 else ""
    after = lines[i + 1][1].strip() if i + 1 < len(lines) else ""
    if not before and not after:
        return True
    # texts with single newlines between paragraphs: a short line between two long paragraphs
    return len(before) > 2 * SHORT_LINE_CHARS or len(after) > 2 * SHORT_LINE_CHARS or not after


def _headline_keys(title: str) -> set[str]:
    """The headline, and the headline without a site name after " | " or " - " ("Talks fail | Example News")."""
    keys = {_normalise(title)}
    for sep in (" | ", " - ", " – ", " — "):
        if sep in title:
            keys.add(_normalise(title.rsplit(sep, 1)[0]))
    return {k for k in keys if len(k) >= 12}  # a two-word headline could equal a real line by chance


def _normalise(s: str) -> str:
    return re.sub(r"[\W_]+", "", s.lower())
