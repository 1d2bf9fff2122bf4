"""Adapter over the "who" modules (core.segment, core.actors, core.speakers), with small fallbacks.

The pipeline asks three questions of every article: which body sentences, which
actors are mentioned in a sentence, and who states something in it. When the
registry-backed modules are installed they answer; until then (or if one fails
to import) the tiny fallbacks below keep the extractor runnable.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Mention:  # same fields as core.actors.Mention
    start_char: int
    end_char: int
    text: str
    actor: str
    person: str | None
    kind: str


@dataclass(frozen=True)
class Holder:  # same fields as core.speakers.Holder
    actor: str
    speaker: str | None
    how: str
    confidence: float


def _optional(module: str, name: str):
    try:
        mod = __import__(f"core.{module}", fromlist=[name])
        return getattr(mod, name)
    except (ImportError, AttributeError):
        return None


# ---------------------------------------------------------------- sentences
def split_sentences(doc) -> list:
    fn = _optional("segment", "split_sentences")
    if fn is not None:
        return fn(doc)
    return [s for s in doc.sents if len(s.text.strip()) > 20 and not s.text.strip().isupper()]


# ---------------------------------------------------------------- mentions
@functools.lru_cache(maxsize=1)
def _registry():
    get = _optional("actors", "get_registry")
    return get() if get is not None else None


def find_mentions(span) -> list:
    reg = _registry()
    if reg is not None:
        return reg.find_mentions(span)
    return _fallback_mentions(span)


def resolve(name: str) -> str | None:
    reg = _registry()
    if reg is not None:
        return reg.resolve(name)
    return _FALLBACK_ALIASES.get(name.lower())


# ---------------------------------------------------------------- holders
def attribute_sentences(doc, sentences, *, published=None) -> list[list]:
    fn = _optional("speakers", "attribute_sentences")
    if fn is not None:
        return fn(doc, sentences, published=published)
    return _fallback_holders(sentences)


# ---------------------------------------------------------------- fallbacks (tiny; the registry replaces them)
_FALLBACK_ACTORS = {
    "Russia": "russia|russian federation|moscow|kremlin|russian",
    "Ukraine": "ukraine|kyiv|kiev|ukrainian",
    "United States": "united states|u\\.s\\.|us|usa|washington|white house|american|pentagon|state department",
    "NATO": "nato|north atlantic alliance|the alliance|us-led alliance|western military alliance",
    "European Union": "european union|eu|brussels|european commission",
    "West": "the west|western countries|western governments|western nations|western allies|western",
    "United Kingdom": "united kingdom|uk|britain|british|london",
    "Germany": "germany|german|berlin", "France": "france|french|paris", "Poland": "poland|polish|warsaw",
    "Belarus": "belarus|belarusian|minsk", "China": "china|chinese|beijing", "Turkey": "turkey|turkish|ankara",
    "Finland": "finland|finnish|helsinki", "Sweden": "sweden|swedish", "Hungary": "hungary|hungarian|budapest",
    "Lithuania": "lithuania|lithuanian|vilnius", "Latvia": "latvia|latvian", "Estonia": "estonia|estonian",
    "Iran": "iran|iranian", "Japan": "japan|japanese|tokyo", "United Nations": "united nations|un",
    "OSCE": "osce", "G7": "g7",
}
_FALLBACK_PERSONS = {
    "Vladimir Putin": ("Russia", "putin"), "Sergei Lavrov": ("Russia", "lavrov"),
    "Dmitry Peskov": ("Russia", "peskov"), "Maria Zakharova": ("Russia", "zakharova"),
    "Sergei Ryabkov": ("Russia", "ryabkov"), "Dmitry Medvedev": ("Russia", "medvedev"),
    "Volodymyr Zelensky": ("Ukraine", "zelensky|zelenskiy|zelenskyy"), "Dmytro Kuleba": ("Ukraine", "kuleba"),
    "Vadym Prystaiko": ("Ukraine", "prystaiko"), "Andriy Yermak": ("Ukraine", "yermak"),
    "Mykhailo Podolyak": ("Ukraine", "podolyak"), "Joe Biden": ("United States", "biden"),
    "Antony Blinken": ("United States", "blinken"), "Jake Sullivan": ("United States", "sullivan"),
    "Donald Trump": ("United States", "trump"), "Marco Rubio": ("United States", "rubio"),
    "Jens Stoltenberg": ("NATO", "stoltenberg"), "Mark Rutte": ("NATO", "rutte"),
    "Ursula von der Leyen": ("European Union", "von der leyen"), "Josep Borrell": ("European Union", "borrell"),
    "Emmanuel Macron": ("France", "macron"), "Olaf Scholz": ("Germany", "scholz"),
    "Alexander Lukashenko": ("Belarus", "lukashenko"), "Xi Jinping": ("China", "xi"),
    "Viktor Orban": ("Hungary", "orban|orbán"), "Recep Tayyip Erdogan": ("Turkey", "erdogan"),
}
_FALLBACK_ALIASES = {a.replace("\\", ""): actor for actor, pat in _FALLBACK_ACTORS.items() for a in pat.split("|")}


@functools.lru_cache(maxsize=1)
def _fallback_patterns():
    out = [(re.compile(rf"\b(?:{p})\b", re.I if "u\\.s" not in p else 0), actor, None, "state")
           for actor, p in _FALLBACK_ACTORS.items()]
    out += [(re.compile(rf"\b(?:{p})\b", re.I), actor, name, "person") for name, (actor, p) in _FALLBACK_PERSONS.items()]
    return out


def _fallback_mentions(span) -> list[Mention]:
    text, base = span.text, span.start_char
    found = []
    for rx, actor, person, kind in _fallback_patterns():
        if kind == "state" and actor == "United States":
            rx = re.compile(r"\b(?:United States|U\.S\.|US|USA|Washington|White House|American|Pentagon)\b")
        for m in rx.finditer(text):
            found.append(Mention(base + m.start(), base + m.end(), m.group(0), actor, person, kind))
    return sorted(found, key=lambda m: m.start_char)


_SAY = {"say", "tell", "state", "add", "warn", "accuse", "urge", "demand", "insist", "claim", "deny", "reject", "call"}


def _fallback_holders(sentences) -> list[list[Holder]]:
    out, previous = [], []
    for sent in sentences:
        holders = []
        for m in find_mentions(sent):
            tok = sent.doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
            if tok is not None and tok.root.dep_ in ("nsubj", "nsubjpass") and tok.root.head.lemma_ in _SAY:
                holders.append(Holder(m.actor, m.person, "subject", 0.8))
        pronoun = any(t.lower_ in ("he", "she", "they") and t.dep_ == "nsubj" and t.head.lemma_ in _SAY for t in sent)
        if not holders and pronoun and previous:
            holders = [Holder(h.actor, h.speaker, "carried", 0.5) for h in previous]
        out.append(holders)
        previous = holders or previous
    return out
