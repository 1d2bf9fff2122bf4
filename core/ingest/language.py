"""Is this text English? A fast stopword-ratio guess, no model and no download.

Parley's extractor reads English only. News text is about 40% function words,
and the function words of English, German, French and Spanish barely overlap,
so counting them tells the languages apart from a few sentences on. Cyrillic
script (Russian, Ukrainian) is recognised by its letters before any counting.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

SAMPLE_CHARS = 6000      # enough words to decide; keeps a 200k-character article fast
MIN_WORDS = 8            # below this the guess is "unknown", and the text is let through
MIN_SHARE = 0.12         # share of the words that must be the language's function words

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("""the of and to in a is that for it on was with as by he she they at from this be are have has
        had not but or an which his her their its were been will would said who we our you also after than there
        into about more could over when what said should these those can""".split()),
    "de": frozenset("""der die das und ist nicht mit den dem des ein eine einer einem zu auf für von sich auch es im
        wir ich sie er aber noch nach wie bei aus hat haben wird werden dass sind war oder kann über um nur""".split()),
    "fr": frozenset("""le la les et des est une un du en que qui dans pour pas sur au aux ce il elle nous vous sont
        avec par plus ont mais ou été cette son sa ses leur être comme tout fait aussi""".split()),
    "es": frozenset("""el la los las y de del que en un una es por con para no se su sus al lo como más pero ha
        fue son este esta entre cuando sobre también sin ya muy hay desde""".split()),
    "it": frozenset("""il lo la gli le di del della che e un una è per con non si sono anche nel alla come più ma
        ha dei delle questo questa""".split()),
    "pl": frozenset("""i w na z że nie się do jest to o jak po przez dla od ale tak jego który która które być""".split()),
}
_NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pl": "Polish",
          "ru": "Russian or Ukrainian (Cyrillic)", "unknown": "an unknown language"}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass(frozen=True)
class LanguageGuess:
    code: str          # en, de, fr, es, it, pl, ru, unknown
    share: float       # share of the sample's words that are this language's function words
    words: int         # words in the sample

    @property
    def name(self) -> str:
        return _NAMES.get(self.code, self.code)


def guess_language(text: str) -> LanguageGuess:
    sample = text[:SAMPLE_CHARS]
    letters = _LETTER.findall(sample)
    if letters and len(_CYRILLIC.findall(sample)) > 0.3 * len(letters):
        return LanguageGuess("ru", 1.0, len(letters))
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < MIN_WORDS:
        return LanguageGuess("unknown", 0.0, len(words))
    shares = {code: sum(w in stop for w in words) / len(words) for code, stop in _STOPWORDS.items()}
    best = max(shares, key=shares.get)
    if shares[best] < MIN_SHARE:
        return LanguageGuess("unknown", shares[best], len(words))
    return LanguageGuess(best, shares[best], len(words))


def is_english(text: str) -> bool:
    """True unless the text clearly is in another language (too short to tell counts as English)."""
    guess = guess_language(text)
    return guess.code in ("en", "unknown") and not (guess.code == "unknown" and guess.words >= 40)
