"""Whom a stance is aimed at: the other party named around the holder's verb, else a prior by actor.

Order of preference, because it is how news sentences name the addressee:
1. another actor in an object slot ("accused NATO", "called on Washington",
   "told Kyiv", "to the US", "of Russia");
2. another actor named anywhere in the sentence;
3. another actor named in the sentence just before (a quote continuing a speech);
4. the most frequent target of this actor in the training data (the model's prior).

When the model carries a target ranker (a logistic regression over the options
below, trained on the dev gold), it scores the options instead of this order:
a mentioned country is often the topic ("the invasion of Ukraine") rather than
the party addressed, which the ranker learns from the words around it. Its
options are wider than the order above: the actors named up to three sentences
back (a speech goes on over several sentences) and the three the whole article
names most (the party a story is about is often addressed without being named:
"We need more weapons," he said); and, when the sentence names a legislature,
the actor itself (a legislator criticising its own government, as the spec codes it).
"""
from __future__ import annotations

import re

_OBJECT_DEPS = {"dobj", "pobj", "dative", "iobj", "obj", "nsubjpass", "poss", "compound", "amod"}
_BACK = 3  # sentences back whose named actors are options ("He added: …" continues a speech)
_ARTICLE_TOP = 3  # the actors the article names most often are options too: the party a story is about
# Words naming a legislature or its members: only then may the actor be its own target (spec).
_LEGISLATURE = re.compile(r"\b(?:Sen|Rep)\.|\b(?:[Ss]enators?|[Ll]awmakers?|[Ll]egislators?|[Cc]ongress(?:man|woman)?|"
                         r"Republicans?|Democrats?|MPs?|[Pp]arliament(?:arians?)?|[Oo]pposition)\b")


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
    guess = guess if guess != cand.actor else None  # never the actor itself without a legislature's word for it
    return guess, "prior" if guess else "none"


def _dep(sent, mention) -> str:
    span = sent.doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
    return span.root.dep_ if span is not None else ""


def target_options(cand, infos, prior: dict | None, stance: str) -> list[tuple[str | None, dict]]:
    """Every party the stance may be aimed at, with features for the ranker; None is an option too."""
    info = infos[cand.sent_index]
    opts: dict = {}
    holder_at = cand.mentions[0].start_char if cand.mentions else info.span.start_char
    for rank, m in enumerate(x for x in info.mentions if x.actor != cand.actor):
        f = opts.setdefault(m.actor, {"in_sentence": 1.0})
        if rank == 0:
            f["first_other"] = 1.0
        dep = _dep(cand.sentence, m)
        f[f"dep={dep}"] = 1.0
        f["after_holder"] = float(m.start_char > holder_at)
        head = _head_lemma(cand.sentence, m)
        f[f"head={head}"] = 1.0
        f[f"mention_kind={m.kind}"] = 1.0
    for back in range(1, _BACK + 1):
        if cand.sent_index - back < 0:
            break
        for m in infos[cand.sent_index - back].mentions:
            if m.actor != cand.actor:
                f = opts.setdefault(m.actor, {})
                f.setdefault("in_prev" if back == 1 else f"in_prev{back}", 1.0)
    for rank, (actor, share) in enumerate(_article_counterparts(infos, cand.actor)[:_ARTICLE_TOP]):
        f = opts.setdefault(actor, {})
        f[f"article_rank={rank}"] = 1.0
        f["article_share"] = share
    guess = (prior or {}).get(cand.actor)
    if guess and guess != cand.actor:
        opts.setdefault(guess, {})["is_prior"] = 1.0
    if _LEGISLATURE.search(info.span.text):
        # a legislator criticising its own government: the actor itself is the target (spec), so it is
        # an option when the sentence names a legislature ("Sen. X said the administration must …")
        own = sum(m.actor == cand.actor for m in info.mentions)
        f = opts.setdefault(cand.actor, {"self": 1.0, f"self&stance={stance}": 1.0})
        if own > 1:
            f["self&named_twice"] = 1.0
    out = [(None, {"is_none": 1.0, f"none&stance={stance}": 1.0, f"none&actor={cand.actor}": 1.0})]
    for actor, f in opts.items():
        f.update({f"pair={cand.actor}>{actor}": 1.0, f"opt={actor}": 1.0, f"opt&stance={actor}_{stance}": 1.0})
        out.append((actor, f))
    return out


def _article_counterparts(infos, actor: str) -> list[tuple[str, float]]:
    """The other actors the article names, most often named first, with their share of the mentions."""
    counts: dict[str, int] = {}
    for info in infos:
        for m in info.mentions:
            if m.actor != actor:
                counts[m.actor] = counts.get(m.actor, 0) + 1
    total = sum(counts.values()) or 1
    return [(a, n / total) for a, n in sorted(counts.items(), key=lambda kv: -kv[1])]


def rank_targets(chosen: list[tuple[object, str]], infos, prior, ranker) -> list[str | None]:
    """The best-scored option for each (candidate, stance), scored in one batch for the article
    (a call per position spent more time in scikit-learn's input checks than in scoring)."""
    if not chosen:
        return []
    per = [target_options(cand, infos, prior, stance) for cand, stance in chosen]
    vec, clf = ranker
    scores = clf.predict_proba(vec.transform([f for options in per for _, f in options]))[:, 1]
    out, at = [], 0
    for options in per:
        out.append(options[int(scores[at:at + len(options)].argmax())][0])
        at += len(options)
    return out


def _head_lemma(sent, mention) -> str:
    span = sent.doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
    return span.root.head.lemma_.lower() if span is not None else ""
