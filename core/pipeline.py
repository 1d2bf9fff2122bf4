"""Article text -> position rows. PROVISIONAL first cut: replaced by the real extractor."""
from __future__ import annotations

import re

import pandas as pd

from core.nlp import load_nlp
from core.schema import positions_frame

_ACTORS = {"russia": "Russia", "moscow": "Russia", "kremlin": "Russia", "putin": "Russia", "lavrov": "Russia",
           "ukraine": "Ukraine", "kyiv": "Ukraine", "kiev": "Ukraine", "zelensky": "Ukraine",
           "nato": "NATO", "washington": "United States", "biden": "United States", "blinken": "United States"}
_CUES = [("demand", r"\b(demand|insist|urge|call(ed)? on)"), ("warning", r"\b(warn|threat|will not allow)"),
         ("accusation", r"\b(accus|blame|condemn)"), ("dialogue", r"\b(talks|negotiat|dialogue)"),
         ("rejection", r"\b(reject|refus|dismiss)"), ("denial", r"\b(den(y|ied|ies))"),
         ("support", r"\b(support|back|pledge)")]


def extract_positions(text, *, article_id, published, title=None) -> pd.DataFrame:
    doc = load_nlp()(text)
    rows = []
    for sent in doc.sents:
        low = sent.text.lower()
        actor = next((v for k, v in _ACTORS.items() if k in low), None)
        stance = next((s for s, p in _CUES if re.search(p, low)), None)
        if actor and stance:
            rows.append(dict(article_id=article_id, sentence=sent.text.strip(), char_start=sent.start_char,
                             char_end=sent.end_char, actor=actor, stance=stance, issue="other",
                             date=published, date_precision="day", hedged=False, confidence=0.3,
                             rule_id="provisional", cue=stance))
    return positions_frame(rows)


def extract_corpus(articles: pd.DataFrame, *, progress=None) -> pd.DataFrame:
    frames = [extract_positions(a.text, article_id=a.article_id, published=a.published, title=a.title)
              for a in articles.itertuples()]
    return pd.concat(frames, ignore_index=True) if frames else positions_frame([])
