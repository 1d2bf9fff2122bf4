"""What every view says and offers: the "Showing N positions" sentence, the notices about
ignored URL values, downloads of exactly the rows shown, and the full link to share."""
from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.filters import Filters, describe, file_stem, query_string
from core.present import charts
from core.storage.writers import to_csv, to_jsonl
from ui import cache, params

DEFAULT_BASE = "http://localhost:8501"
TABLE_ROWS = 100  # rows a browser table lists a page (?_page=N): 1,000 were 541 kB sent at 100,000 positions;
                  # the downloads hold every row
PICKER_ROWS = 200  # choices a picker lists (Articles): thousands of titles (500 kB at 100,000 positions) are sent
                   # to the browser and never scrolled; a search finds the others


def notices(filters: Filters) -> None:
    for notice in filters.notices:  # they quote the link's values and the data's: neither is markup
        st.warning(md_line(notice), icon=":material/link_off:")


def sentence(filters: Filters, df: pd.DataFrame, extra=()) -> str:
    """`Showing 42 positions: stance is demand, actor is Russia.` — the first line of every view."""
    notices(filters)
    # One line: a blank line (from a title) would end the HTML block and let the rest be read as Markdown;
    # and what makes links, emphasis and colours ([ ] * ` ~ $) as entities, should it be read so anyway.
    text = " ".join(describe(filters, len(df), extra=extra).split())
    st.markdown(f'<p class="parley-showing">{html.escape(text, quote=False).translate(_MD_ENTITIES)}</p>',
                unsafe_allow_html=True)
    return text


def empty_state(filters: Filters, df: pd.DataFrame) -> bool:
    """Say plainly why there is nothing to show; True when the page should stop drawing."""
    if cache.is_empty():
        locked = cache.read_only()
        if locked:  # nothing can be added here: say why rather than offer a button that fails
            st.info(f"The database holds no articles, and {locked}: articles cannot be added from this "
                    "dashboard.", icon=":material/inbox:")
            return True
        st.info("The database holds no articles yet. Load the bundled sample article, or add articles "
                "on the Ingest page.", icon=":material/inbox:")
        if st.button("Load the sample article", type="primary"):
            with st.spinner("Extracting positions from the sample article…"):
                cache.load_sample()
            st.rerun()
        return True
    if df.empty:
        msg = "No positions match these filters." if not filters.is_empty() else "No positions in the database."
        st.info(msg + " Remove a filter in the sidebar to see more.", icon=":material/filter_alt_off:")
        return True
    return False


def unavailable_when_read_only(what: str) -> None:
    """Stop a page that writes (Ingest, Review) with the reason, when the database is read-only."""
    locked = cache.read_only()
    if locked:
        st.info(f"{what} is unavailable: {locked}. Every other page reads it as usual.", icon=":material/lock:")
        st.stop()


def export_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The rows as exported: every column the view holds, in the store's order."""
    return df.reset_index(drop=True)


def downloads(df: pd.DataFrame, name: str = "positions") -> None:
    """CSV and JSON of exactly these rows; built only when clicked, so big views stay fast."""
    rows = export_frame(df)
    left, right, _ = st.columns([1, 1, 3])
    left.download_button("Download CSV", data=lambda: to_csv(rows), file_name=f"{name}.csv",
                         mime="text/csv", on_click="ignore", icon=":material/download:", key=f"dl_csv_{name}")
    right.download_button("Download JSON", data=lambda: _json(rows), file_name=f"{name}.json",
                          mime="application/json", on_click="ignore", icon=":material/download:",
                          key=f"dl_json_{name}")


def _json(rows: pd.DataFrame) -> str:
    """A JSON array of row objects, nulls as null (the JSON-lines writer, joined)."""
    lines = to_jsonl(rows).splitlines()
    return "[\n" + ",\n".join(lines) + "\n]\n"


def base_url(path: str) -> str:
    """The app's address as the browser sees it, for this page (`http://host:port/positions`)."""
    url = getattr(st.context, "url", None)
    if url:
        return url.rstrip("/") if path else url
    host = (st.context.headers or {}).get("Host") if hasattr(st.context, "headers") else None
    root = f"http://{host}" if host else DEFAULT_BASE
    return f"{root}/{path}" if path else root + "/"


def link(filters: Filters, path: str, view: Mapping | None = None) -> str:
    return base_url(path) + query_string(filters, view)


def share_key(name: str) -> str:
    """The "Share this view" expander's key (its state: open or closed), one per header a page draws."""
    return f"share_{name}"


@contextmanager
def folded(label: str, key: str, **expander) -> Iterator[bool]:
    """An expander that says whether it is open, so its heavy parts are drawn only then (opening reruns the page
    from the caches, ~0.2 s). Folded away, a table or code block is still mounted: the browser loads and runs its
    ~1 MB grid or the 1.5 MB syntax highlighter (0.2-0.5 s) on every load."""
    with st.expander(label, key=key, on_change="rerun", **expander) as box:
        yield box.open


def share(filters: Filters, path: str, view: Mapping | None = None, name: str = "positions") -> None:
    """The link to this view, drawn once its expander opens (`folded`)."""
    with folded("Share this view", share_key(name), icon=":material/share:") as opened:
        if opened:
            st.caption("Copy this link: it opens this page with the same filters and choices.")
            st.code(link(filters, path, view), language=None, wrap_lines=True)


@dataclass(frozen=True)
class Shown:
    """What a view shows, in words (`Showing 42 positions: …`) and as a file name (its downloads' stem)."""
    sentence: str
    stem: str


def header(filters: Filters, df: pd.DataFrame, path: str, view: Mapping | None = None, name: str = "positions",
           extra=(), focus_in_name: bool = True) -> Shown:
    """Sentence, downloads and share link: the strip at the top of every view. Returns them for `chart`.

    The "reviewed positions only" switch narrows the rows of every page, so every sentence says so
    and every link keeps it."""
    if cache.is_reviewed_only():
        extra = ["reviewed only", *extra]
        view = {**(view or {}), **cache.reviewed_params()}
    view = {**(view or {}), **image_params()}
    text = sentence(filters, df, extra)
    stem = file_stem(name if name != "positions" else (path or "overview"), filters,
                     _focus_words(view) if focus_in_name else ())
    downloads(df, stem)
    share(filters, path, view, name)
    return Shown(text, stem)


def chart(shown: Shown, figure, key: str, container=None) -> None:
    """A plotly chart that carries its view: the sentence under its title and, exported from the mode bar
    (PNG, or SVG with `?_image=svg`), a file named after the view, so an image pasted elsewhere still says
    what it shows."""
    (container or st).plotly_chart(charts.captioned(figure, shown.sentence), width="stretch", key=key,
                                   config=charts.export_config(shown.stem, image_format()), alt=shown.sentence)


def image_format() -> str:
    """The format the charts' camera button downloads: the link's `_image` (png or svg), else PNG (the sidebar's
    "Chart images" says an unknown value plainly)."""
    value = params.IMAGE.read()
    return value if value in charts.IMAGE_FORMATS else params.IMAGE.default


def image_params() -> dict[str, str]:
    """`{"_image": "svg"}` while the charts export SVG: what a link must carry to keep it."""
    chosen = image_format()
    return {params.IMAGE.name: chosen} if chosen != params.IMAGE.default else {}


_MD_ENTITIES = str.maketrans({c: f"&#{ord(c)};" for c in "[]*`~$\\"})
def _focus_words(view: Mapping | None) -> list[str]:
    """The page's focus (`_actor=Russia`, `_issue=…`) as words for a file name; switches (`_reviewed`,
    `_page`, `_count`) left out."""
    out = []
    for key, value in (view or {}).items():
        if not params.is_focus(key) or value in (None, "", [], ()):
            continue
        out += [str(v) for v in (value if isinstance(value, (list, tuple)) else [value])]
    return out


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$:])")
# Inside one line only these make markup (links, emphasis, colours, icons, HTML, autolinks): a message that
# quotes untrusted values keeps its other punctuation (YYYY-MM-DD) unescaped.
_MD_INLINE = re.compile(r"([\\`*_{}\[\]()<>|~$:!.])")


def missing(value) -> bool:
    """None, pandas' NA/NaT, NaN or blank: a column value a page must not test with `or`
    (`pd.NA or x` raises "boolean value of NA is ambiguous")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array cell is a value, not a missing one
        return False


def or_default(value, default: str) -> str:
    """The value as text, or `default` when it is missing (see `missing`)."""
    return default if missing(value) else str(value)


def md(text) -> str:
    """Untrusted text made literal for st.markdown (no emphasis, links, colours or icons)."""
    return _MD_SPECIAL.sub(r"\\\1", or_default(text, ""))


def inline_html(text) -> str:
    """Untrusted text for HTML drawn inside a Markdown paragraph (st.markdown with unsafe_allow_html): the
    text between tags is still read as Markdown, so [link](…), ** and the like become entities too."""
    return html.escape(or_default(text, "")).translate(_MD_ENTITIES)


def md_line(text) -> str:
    """A message quoting untrusted values, made literal on one line for st.warning/st.error and the like."""
    return _MD_INLINE.sub(r"\\\1", " ".join(or_default(text, "").split()))


POSITION_PARAM = params.POSITION.name   # /articles?_article=ID&_pos=POSITION_ID: the article, scrolled to that position's sentence


def evidence_href(filters: Filters, article_id, position_id=None) -> str:
    """The Articles page at this position's sentence, with the filters (and the reviewed switch) kept."""
    view = {params.ARTICLE.name: str(article_id), **({POSITION_PARAM: str(position_id)} if not missing(position_id) else {}),
            **cache.reviewed_params()}
    return f"/articles{query_string(filters, view)}"


def evidence_link(filters: Filters, article_id, position_id=None, label: str = "evidence") -> str:
    """An HTML link (for st.markdown(..., unsafe_allow_html=True)) that opens the evidence in the same tab:
    Streamlit's markdown links open a new tab unless the anchor names its target."""
    href = html.escape(evidence_href(filters, article_id, position_id), quote=True)
    return f'<a href="{href}" target="_self">{inline_html(label)}</a>'


ROW_PX, HEADER_PX, MAX_TABLE_ROWS = 35, 38, 20   # st.dataframe's row and header heights


def table_height(n_rows: int, max_rows: int = MAX_TABLE_ROWS) -> int:
    """A table as tall as its rows, up to about a screen's worth (then it scrolls): three rows never sit in a
    640-pixel box, and a long table does not push everything else far down."""
    return HEADER_PX + ROW_PX * min(max(n_rows, 1), max_rows) + 2


TRUST_MARKS = {"reviewed": "✓ reviewed", "likely": "likely", "uncertain": "uncertain?"}


def trust_badge(row) -> str:
    """`likely`, `uncertain?` or `✓ reviewed` as small HTML (for st.markdown(..., unsafe_allow_html=True)), the
    why (cue, rule, confidence) on hover; "" when the row carries no trust word (see cache.with_trust)."""
    word = row.get("trust") if hasattr(row, "get") else None
    if missing(word) or word not in TRUST_MARKS:
        return ""
    why = or_default(row.get("why"), "")
    conf = row.get("confidence")
    why = " · ".join(p for p in (why, "" if missing(conf) else f"confidence {float(conf):.2f}") if p)
    return (f'<small class="parley-trust" title="{html.escape(why, quote=True)}" style="opacity:0.75">'
            f"[{html.escape(TRUST_MARKS[word])}]</small>")


def carried(row) -> str:
    """`carried by 3 outlets` (their names on hover) for a statement several reports carried, as small HTML;
    "" for a statement reported once or a row that is not a statement."""
    outlets = row.get("outlets") if hasattr(row, "get") else None
    n = row.get("n_reports") if hasattr(row, "get") else None
    names = [str(o) for o in outlets] if isinstance(outlets, (list, tuple)) else []
    if missing(n) or int(n) < 2:
        return ""
    what = (f"carried by {len(names)} outlets" if len(names) > 1
            else f"reported {int(n)} times" + (f" by {names[0]}" if names else ""))
    return (f'<small class="parley-carried" title="{html.escape(", ".join(names), quote=True)}">'
            f"· {inline_html(what)}</small>")


def article_list(filters: Filters, df: pd.DataFrame) -> pd.DataFrame:
    """The articles this view shows (core.analysis.views.article_list): those holding a shown position; every stored
    article when nothing narrows the view. Overview counts it, Articles lists it: one definition."""
    from core.analysis.views import article_list as shown_articles

    return shown_articles(cache.articles(), df, include_empty=filters.is_empty() and not cache.is_reviewed_only())
