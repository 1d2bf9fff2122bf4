"""Body sentences of a parsed article, as the text punctuates them.

spaCy's parser splits well on plain prose but not on news conventions, so we
start from its sentences and repair them:
- a paragraph break (a newline) always ends a sentence, and no sentence spans two paragraphs;
- a quotation and its attribution stay one sentence ("…," he said.); a quote that runs
  over several sentences is cut where its sentences end, as the text punctuates it
  (the annotators do the same), but not at an ellipsis ("… At this stage");
- splits after abbreviations ("U.S.", "Gen.", "Jan. 5") are undone;
- a dateline ("MOSCOW (AP) —", "KYIV, Feb 5 (Reuters) -") is not part of a sentence.
Offsets are those of the original text the doc was made from.
"""
from __future__ import annotations

import re

CLOSE_QUOTES = "”’»"
# Abbreviations after which a capitalised word does not start a new sentence.
TITLE_ABBREVS = frozenset("mr. mrs. ms. dr. gen. lt. col. sgt. adm. capt. maj. sen. rep. gov. st. prof. rev. "
                          "gens. cmdr. amb. pres. vs. no. nos. jr. sr. messrs. mt. ft. gen lt col".split())
MONTH_ABBREVS = frozenset("jan. feb. mar. apr. aug. sep. sept. oct. nov. dec.".split())
# Country abbreviations end many sentences too, so they only glue on to a following name or number.
COUNTRY_ABBREVS = frozenset("u.s. u.k. u.n. e.u. u.s.a. u.s.s.r.".split())

_AGENCY = r"(?:\((?:AP|Reuters|AFP|Xinhua|CNN|BelTA|Prensa Latina|UPI|dpa|Interfax|Ukrinform|Sputnik|RIA Novosti)\)|/TASS/\.?|\bCNN\b)"
_PLACE_WORDS = r"(?:[A-Z0-9][\w.'’/\-]*[ ,]*){0,7}?"
DATELINE_RES = (
    re.compile(rf"^\s*{_PLACE_WORDS}{_AGENCY}\s*(?:—|--|–|-)?\s*"),
    re.compile(r"^\s*[A-Z][A-Z.'’/\-]+(?:\s+[A-Z][A-Z.'’/\-]+)*(?:,\s*[A-Z][\w.]+(?:\s+[A-Z][\w.]+)*)?\s*(?:—|--|–)\s*"),
)


def split_sentences(doc) -> list:
    """Body sentences of a parsed doc, as Spans; see the module docstring for the conventions."""
    out = []
    for para in _paragraph_pieces(doc):
        for first, piece in _merge(doc, para):
            span = _strip_dateline(doc, piece) if first else piece
            if span is not None and len(span) and any(not t.is_punct for t in span):
                out.append(span)
    return out


def _paragraph_pieces(doc) -> list[list[tuple[int, int]]]:
    """spaCy sentences cut at newlines, grouped by paragraph, as (start, end) token ranges."""
    paras, current = [], []
    # a doc with no sentence boundaries (a tokenizer-only pipeline) is cut at newlines only
    sents = doc.sents if doc.has_annotation("SENT_START") else [doc[:]]
    for sent in sents:
        start = sent.start
        for tok in sent:
            if "\n" in tok.text or "\n" in tok.whitespace_:
                end = tok.i if tok.is_space else tok.i + 1
                _add_piece(doc, current, start, end)
                if current:
                    paras.append(current)
                current, start = [], tok.i + 1
        _add_piece(doc, current, start, sent.end)
    if current:
        paras.append(current)
    return paras


def _add_piece(doc, pieces, start, end) -> None:
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    if end > start:
        pieces.append((start, end))


def _merge(doc, pieces):
    """Yield (is_first_in_paragraph, Span) after undoing the mis-splits."""
    merged: list[list[int]] = []
    for s, e in pieces:
        if merged and _glue(doc, merged[-1], (s, e)):
            merged[-1][1] = e
        else:
            merged.append([s, e])
    for k, (s, e) in enumerate(merged):
        yield k == 0, doc[s:e]


def _glue(doc, prev, nxt) -> bool:
    """Should the piece nxt continue the piece prev (spaCy split where the text does not)?"""
    first = doc[nxt[0]]
    last = doc[prev[1] - 1]
    text = first.text
    if all(t.is_punct for t in doc[nxt[0]:nxt[1]]):
        return True  # a stray closing quote or bracket
    if text[:1].islower() or text[:1] in ",;:)" + CLOSE_QUOTES or text in ("'s", "’s"):
        return True  # '"…," he said.' and other continuations
    low = last.lower_
    if low in TITLE_ABBREVS:
        return True
    if low in MONTH_ABBREVS and first.like_num:
        return True
    if low in COUNTRY_ABBREVS and first.pos_ in ("PROPN", "NUM") and first.tag_ != "DT" \
            and not any(t.pos_ in ("VERB", "AUX") for t in doc[prev[0]:prev[1]]):
        return True  # "the U.S. | Secretary of State…" was cut mid-phrase; "…by the U.S. | Kremlin" was not
    if last.text in ("...", "…") and last.i > 0 and doc[last.i - 1].whitespace_:
        return True  # a free-standing ellipsis marks words left out ("exhausted ... At this stage")
    return False  # one glued to its word ("not really... Your money") ends the sentence


def _strip_dateline(doc, span):
    """The span without a leading dateline; None when nothing but the dateline is left."""
    for rx in DATELINE_RES:
        m = rx.match(span.text)
        if m and m.end() > 0 and m.group(0).strip():
            cut = span.start_char + m.end()
            # a token glued across the cut ("(CNN)A") is kept rather than losing its word
            start = next((t.i for t in span if t.idx + len(t.text) > cut), None)
            if start is None:
                return None
            return doc[start:span.end]
    return span
