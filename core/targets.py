"""Whom a stance is aimed at: the other party named around the holder's verb, else a prior by actor.

Order of preference, because it is how news sentences name the addressee:
1. another actor in an object slot ("accused NATO", "called on Washington",
   "told Kyiv", "to the US", "of Russia");
2. another actor named anywhere in the sentence;
3. another actor named in the sentence just before (a quote continuing a speech);
4. the most frequent target of this actor in the training data (the model's prior).
"""
from __future__ import annotations

_OBJECT_DEPS = {"dobj", "pobj", "dative", "iobj", "obj", "nsubjpass", "poss", "compound", "amod"}
_GENERIC_OK = {"West", "NATO", "United States", "Russia", "Ukraine", "European Union"}


def pick_target(cand, infos, prior: dict | None) -> tuple[str | None, str]:
    """(target, how it was chosen)."""
    info = infos[cand.sent_index]
    others = [m for m in info.mentions if m.actor != cand.actor]
    obj = [m for m in others if _dep(cand.sentence, m) in _OBJECT_DEPS]
    if obj:
        return obj[0].actor, "object"
    if others:
        return others[0].actor, "mentioned"
    if cand.sent_index > 0:
        before = [m for m in infos[cand.sent_index - 1].mentions if m.actor != cand.actor]
        if before:
            return before[0].actor, "previous sentence"
    guess = (prior or {}).get(cand.actor)
    return guess, "prior" if guess else "none"


def _dep(sent, mention) -> str:
    span = sent.doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
    return span.root.dep_ if span is not None else ""
