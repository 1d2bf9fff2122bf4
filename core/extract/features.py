"""Candidates for positions: one per (body sentence, actor that may hold a stance in it), with features.

Who holds a stance and what stance it is are decided together by the stance
model (core/extract/classifier.py) over these candidates: a sentence yields one
candidate per actor it mentions, per holder the speaker module names, and per
holder carried over from the sentences just before ("he added", the second
sentence of a quote). The features say how the actor stands in the sentence
(subject of a reporting verb, object, possessor, carried), what cue words fire,
and the words around the actor's own verb, so that "Russia accused NATO"
scores an accusation for Russia and not for NATO.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from core.extract.actors import get_registry
from core.extract.hedging import has_quote_mark
from core.extract.segment import split_sentences
from core.extract.speakers import attribute_sentences
from core.extract.stance import CueHit, find_cues

_MODALS = {"will", "would", "can", "could", "may", "might", "must", "should", "shall"}
_NEG = {"not", "n't", "never", "no"}
_CARRY_SPAN = 2  # how many sentences back a holder may be carried from
# Verbs that only report: what the actor does with its words is in the clause they introduce.
_REPORTING = frozenset("""say tell add state note claim announce write declare stress emphasise emphasize explain
suggest argue remark reply respond comment continue conclude recall believe think""".split())


@dataclass
class Candidate:
    sent_index: int
    sentence: object            # spaCy Span
    actor: str
    speaker: str | None = None
    how: str = "mention"
    feats: dict = field(default_factory=dict)
    local: str = ""             # lemmas around the actor's own verb
    mentions: list = field(default_factory=list)
    hits: list[CueHit] = field(default_factory=list)

    @functools.cached_property
    def text(self) -> str:  # a Span builds its text anew on each call; the model and the rows ask often
        return self.sentence.text


@dataclass
class SentenceInfo:
    span: object
    mentions: list
    holders: list
    hits: list[CueHit]


def analyse(doc, *, published=None) -> list[SentenceInfo]:
    """Sentences of the article body with their actor mentions, holders and cue hits."""
    if published:
        doc.user_data["published"] = str(published)[:10]  # the registry dates role descriptions by it
    sents = split_sentences(doc)
    holders = attribute_sentences(doc, sents, published=published)
    registry = get_registry()
    return [SentenceInfo(s, registry.find_mentions(s), list(h), find_cues(s.text))
            for s, h in zip(sents, holders, strict=False)]


def candidates(infos: list[SentenceInfo]) -> list[Candidate]:
    out = []
    for i, info in enumerate(infos):
        out.extend(_sentence_candidates(i, info, infos))
    return out


def _sentence_candidates(i: int, info: SentenceInfo, infos: list[SentenceInfo]) -> list[Candidate]:
    base = _sentence_feats(info)
    cands: dict[str, Candidate] = {}
    for m in info.mentions:
        c = cands.setdefault(m.actor, Candidate(i, info.span, m.actor, feats=dict(base), hits=info.hits))
        c.mentions.append(m)
        if m.person and not c.speaker:
            c.speaker = m.person
    for rank, h in enumerate(info.holders):
        c = cands.setdefault(h.actor, Candidate(i, info.span, h.actor, feats=dict(base), hits=info.hits))
        c.how, c.speaker = h.how, h.speaker or c.speaker
        c.feats.update({"holder": 1.0, f"how={h.how}": 1.0, "holder_conf": float(h.confidence),
                        "holder_rank0": float(rank == 0)})
    for back in range(1, _CARRY_SPAN + 1):
        if i - back < 0:
            break
        for h in infos[i - back].holders:
            c = cands.get(h.actor)
            if c is None:
                c = cands[h.actor] = Candidate(i, info.span, h.actor, speaker=h.speaker, how="carried",
                                               feats=dict(base), hits=info.hits)
            c.feats[f"prev_holder{back}"] = 1.0
            c.speaker = c.speaker or h.speaker
    first = info.mentions[0].actor if info.mentions else None
    for c in cands.values():
        _actor_feats(c, first)
    return list(cands.values())


def _sentence_feats(info: SentenceInfo) -> dict:
    text = info.span.text.strip()
    f = {"bias": 1.0, "n_actors": min(len({m.actor for m in info.mentions}), 4) / 4,
         "n_holders": min(len(info.holders), 3) / 3}
    if has_quote_mark(text):
        f["has_quote"] = 1.0
    if text[:1] in "\"“‘":
        f["starts_quote"] = 1.0
    if text.rstrip("\"”’ ").endswith("?"):
        f["question"] = 1.0
    for h in info.hits:
        f[f"cue={h.stance}"] = 1.0
        f[f"cue_id={h.rule_id}"] = 1.0
    for t in info.span:
        if t.dep_ == "nsubj" and t.lower_ in ("he", "she", "they", "we", "i") and t.head.pos_ == "VERB":
            f[f"pron_subj={t.lower_}"] = 1.0
    return f


def _actor_feats(c: Candidate, first_actor: str | None) -> None:
    f = c.feats
    f[f"actor={c.actor}"] = 1.0
    if c.mentions:
        f["mentioned"] = 1.0
        f["n_mentions"] = min(len(c.mentions), 3) / 3
        f["first_actor"] = float(c.actor == first_actor)
        kinds = {m.kind for m in c.mentions}
        for k in kinds:
            f[f"kind={k}"] = 1.0
    elif "holder" not in f:
        f["carried_only"] = 1.0
    verbs = []
    for m in c.mentions[:3]:
        span = c.sentence.doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        f[f"dep={root.dep_}"] = 1.0
        f[f"dep_head={root.dep_}_{root.head.lemma_.lower()}"] = 1.0
        if _inside_quote(c.sentence, m.start_char):
            f["in_quote"] = 1.0
        verbs.append(_governing_verb(root))
    for v in verbs[:2]:
        f[f"gov={v.lemma_.lower()}"] = 1.0
        for child in v.children:
            if child.lower_ in _NEG:
                f["gov_neg"] = 1.0
            if child.lower_ in _MODALS:
                f[f"gov_modal={child.lower_}"] = 1.0
        for h in c.hits:
            if v.idx <= c.sentence.start_char + h.start < v.idx + 40 or h.text.lower().startswith(v.lower_):
                f[f"gov_cue={h.stance}"] = 1.0
    subject = any(k.startswith("dep=nsubj") for k in f)
    holder = "holder" in f or any(k.startswith("prev_holder") for k in f)
    for h in c.hits:
        if subject:
            f[f"subj&cue={h.stance}"] = 1.0
        if holder:
            f[f"holder&cue={h.stance}"] = 1.0
        if "in_quote" in f:
            f[f"inquote&cue={h.stance}"] = 1.0
    # the words around the actor's own verb, then those of what it says (the said clause)
    local = " ".join(_clause_words(verbs, "V_", negation=False)) if verbs else "CARRIED"
    said = _clause_words(_content_heads(c.sentence, verbs), "H_", negation=True)
    c.local = f"{local} {' '.join(said)}"


def _governing_verb(tok):
    seen = 0
    while tok.pos_ not in ("VERB", "AUX") and tok.dep_ != "ROOT" and seen < 8:
        tok, seen = tok.head, seen + 1
    return tok


def _content_heads(sent, verbs) -> list:
    """The heads of what is said: the clause a reporting verb introduces ("said that NATO must…",
    "'…,' he said"), else the actor's own verb; the sentence root for a holder with no mention."""
    heads = []
    for v in verbs[:2] or [sent.root]:
        if v.lemma_.lower() not in _REPORTING:
            heads.append(v)
            continue
        said = [ch for ch in v.children if ch.dep_ in ("ccomp", "xcomp", "parataxis")]
        if not said and v.dep_ != "ROOT":
            said = [v.head]
        if not said and sent.root is not v:
            said = [sent.root]
        heads.extend(said)
    return heads[:2]


def _clause_words(heads, mark: str, *, negation: bool) -> list[str]:
    """Lemmas under each of (at most two) heads, about 40 words in all, each head marked `mark`
    first; with `negation`, the content words under a negated head are marked NOT_, so
    "will not accept" and "will accept" stay apart."""
    words = []
    for h in heads[:2]:
        words.append(mark + h.lemma_.lower())
        negated = negation and any(ch.lower_ in _NEG for ch in h.children)
        for t in h.subtree:
            if t.is_punct or t.is_space:
                continue
            lemma = t.lemma_.lower()
            words.append("NOT_" + lemma if negated and t.pos_ in ("VERB", "NOUN", "ADJ") else lemma)
            if len(words) > 40:
                break
    return words


def _inside_quote(sent, char: int) -> bool:
    before = sent.text[: char - sent.start_char]  # (doc.text would rebuild the whole text per call)
    return len(re.findall(r"[\"“”]", before)) % 2 == 1
