"""A small, fixed database for the dashboard tests: the sample article and three hand-written ones,
with hand-written positions (a fake extractor), so counts in the tests never move with the model.

Counts: 14 positions in 4 articles; 5 demands; actors Russia 7, Ukraine 4, NATO 1,
United States 1, European Union 1 (see POSITIONS).
"""
from __future__ import annotations

import json
from pathlib import Path

from core.ingest.ingest import ingest_articles
from core.paths import ROOT
from core.schema import positions_frame
from core.storage.store import open_store

SAMPLE = json.loads((ROOT / "data" / "sample.jsonl").read_text(encoding="utf-8").splitlines()[0])
SAMPLE_ID = SAMPLE["id"]

TITLE_PAYLOAD = "Talks resume [Read the statement](https://phish.example) **loud** :red[red]"
OUTLET_PAYLOAD = "Wire [Subscribe](https://phish.example) **now** :red[alert]"
MARKUP = ("[Read the statement](", "[Subscribe](", "**loud**", "**now**", ":red[")  # never unescaped in Markdown

ARTICLES = [
    {**SAMPLE, "article_id": SAMPLE_ID},
    {"article_id": "hw-guarantees", "title": "Guarantees row", "outlet": "Test Wire", "published": "2022-01-10",
     "url": "https://example.org/guarantees",
     "text": "Russia demanded legally binding guarantees that NATO would not expand east. "
             "NATO rejected the demand as a non-starter. Ukraine urged NATO to keep its door open. "
             "The United States warned Russia of severe sanctions if it invaded Ukraine."},
    {"article_id": "hw-talks", "title": "Talks go on", "outlet": "Other Post", "published": "2022-02-20",
     "url": "https://example.org/talks",
     "text": "Russia said it was ready to continue talks with the West. Ukraine might give up its ambition of "
             "joining NATO, its ambassador suggested. Russia accused NATO of stoking tensions. The European "
             "Union pledged support for Ukraine."},
    # Untrusted text in every field a page draws: HTML, and Markdown that would make a live link or format.
    {"article_id": "hw-script", "title": f"<script>alert('title')</script> Forces. {TITLE_PAYLOAD}", "outlet": OUTLET_PAYLOAD,
     "published": "2021-12-05", "url": None,
     "text": "<script>alert('x')</script> Russia insisted that NATO roll back its forces. "
             "Ukraine rejected Russia's demands."},
]

# (article, sentence start, actor, stance, target, issue, date, speaker)
POSITIONS = [
    (SAMPLE_ID, "Russia has suggested that it is ready", "Russia", "dialogue", "West", "negotiations", "2022-02-14", "Sergei Lavrov"),
    (SAMPLE_ID, "Back in December last year", "Russia", "demand", "NATO", "nato_enlargement", "2021-12", None),
    (SAMPLE_ID, "Back in December last year", "Russia", "demand", "NATO", "security_guarantees", "2021-12", None),
    (SAMPLE_ID, "In a BBC interview on Sunday", "Ukraine", "concession", "Russia", "nato_enlargement", "2022-02-13", "Vadym Prystaiko"),
    (SAMPLE_ID, "Ukrainian President Volodymyr Zelenskiy", "Ukraine", "accusation", "West", "invasion_war", "2022-02-14", "Volodymyr Zelenskiy"),
    ("hw-guarantees", "Russia demanded", "Russia", "demand", "NATO", "nato_enlargement", "2022-01-10", "Sergei Lavrov"),
    ("hw-guarantees", "NATO rejected", "NATO", "rejection", "Russia", "nato_enlargement", "2022-01-10", None),
    ("hw-guarantees", "Ukraine urged", "Ukraine", "demand", "NATO", "nato_enlargement", "2022-01-10", None),
    ("hw-guarantees", "The United States warned", "United States", "warning", "Russia", "sanctions", "2022-01-10", "Antony Blinken"),
    ("hw-talks", "Russia said it was ready", "Russia", "dialogue", "West", "negotiations", "2022-02-20", None),
    ("hw-talks", "Ukraine might give up", "Ukraine", "concession", "Russia", "nato_enlargement", "2022-02-20", None),
    ("hw-talks", "Russia accused NATO", "Russia", "accusation", "NATO", "military_posture", "2022-02-20", None),
    ("hw-talks", "The European Union pledged", "European Union", "support", "Ukraine", "other", "2022-02-20", None),
    ("hw-script", "Russia insisted", "Russia", "demand", "NATO", "military_posture", "2021-12", None),
]
N_POSITIONS = len(POSITIONS)
N_DEMANDS = sum(p[3] == "demand" for p in POSITIONS)


def _sentence_at(text: str, start: str) -> tuple[int, int]:
    i = text.index(start)
    end = min(j for j in (text.find(". ", i), text.find(".\n", i), text.find(".”", i), len(text) - 1) if j >= 0)
    return i, end + 1


def fake_extract(text: str, *, article_id: str, published: str, title=None):
    rows = []
    for art, start, actor, stance, target, issue, date, speaker in POSITIONS:
        if art != article_id:
            continue
        a, b = _sentence_at(text, start)
        rows.append(dict(article_id=art, sentence=text[a:b], char_start=a, char_end=b, actor=actor, speaker=speaker,
                         target=target, stance=stance, issue=issue, date=date,
                         date_precision={10: "day", 7: "month", 4: "year"}[len(date)], hedged=False,
                         quote=None, confidence=0.9, rule_id="test", cue="test"))
    return positions_frame(rows)


def build_db(path: Path) -> Path:
    """Create the fixture database at `path` (the tests point PARLEY_DB at it)."""
    store = open_store(path)
    summary = ingest_articles(store, ARTICLES, extract=fake_extract)
    assert summary.counts()["new"] == len(ARTICLES), summary.details()
    return path


def open_page(page: str, timeout: float = 60, **params):
    """Open `page` as a shared link would: the app with these query parameters, then that page."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.query_params.update(params)
    at.run()
    if page != "app_pages/overview.py":
        at.switch_page(page)
        at.query_params.clear()
        at.query_params.update(params)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at



def share_link(at, name: str = "positions") -> str:
    """The link a person copies from "Share this view" (of the header `name`, ui.share.header): the expander
    draws it once opened (a rerun)."""
    from ui.share import share_key

    at.session_state[share_key(name)] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return next(c.value for c in at.code if c.value.startswith("http"))
