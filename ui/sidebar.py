"""The one set of sidebar filters, bound to the URL both ways and carried across pages.

The URL is the state. Each run parses `st.query_params` once (core.filters), sets
the widgets from it, and a widget's on_change callback writes the widgets back
to the URL before the next run. Streamlit drops the query string when the user
changes page, so the last filters are kept in session state and put back when a
page opens with none, and the page links in the sidebar carry them too.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import streamlit as st

from core.analysis.views import known_values
from core.filters import ALL_PARAMS, CONFIDENCE_PARAM, LIST_PARAMS, Filters, check_known, from_query, to_query
from core.present.labels import issue_label
from core.schema import ISSUES, STANCES
from ui import cache

LAST = "parley_last_filters"     # the filters of the previous run, to carry across pages
KEY = "flt_"                     # widget keys: flt_actor, flt_from, ...
LABELS = {"actor": "Actor", "target": "Target (addressed to)", "stance": "Stance", "issue": "Issue",
          "outlet": "Outlet", "speaker": "Speaker"}
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


def url_params() -> dict[str, list[str]]:
    """Every query parameter with all its values (`?actor=A&actor=B` keeps both)."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


def view_params() -> dict[str, list[str]]:
    """The parameters that are not filters: the page's own view controls (`_actor`, `_article`...)."""
    return {k: v for k, v in url_params().items() if k not in ALL_PARAMS}


def carry_filters() -> None:
    """After a page change the URL holds no filters: put back the ones the session last used
    (and the "reviewed positions only" switch, which narrows every page the same way)."""
    from ui import reviewing

    last: Filters | None = st.session_state.get(LAST)
    params = url_params()
    if not params:
        reviewing.carry_switch()
    if last is not None and not last.is_empty() and not any(k in params for k in ALL_PARAMS):
        write_url(last)


def write_url(filters: Filters) -> None:
    """Replace the filter parameters of the URL, keeping the page's view parameters."""
    st.query_params.from_dict({**to_query(filters), **view_params()})


def known() -> dict[str, list[str]]:
    facets = cache.facets()
    return {name: known_values(facets, name) for name in ("actor", "target", "outlet", "speaker")}


def filters() -> Filters:
    """Render the sidebar filters and return the Filters the page shows (notices say what was ignored)."""
    carry_filters()
    options = known()
    current = check_known(from_query(url_params()), options)
    if to_query(current) != {k: v for k, v in url_params().items() if k in ALL_PARAMS}:
        write_url(current)  # drop ignored values from the link too, so sharing it is honest
    _set_widgets(current)
    _draw(options)
    from ui import reviewing  # "reviewed positions only", ?_reviewed=1, on every page
    reviewing.toggle()
    _image_choice()
    st.session_state[LAST] = current
    return current


def _image_choice() -> None:
    """The format the charts' camera button downloads (`?_image=svg`): plotly draws PNG or SVG in the browser,
    one format per chart, so the view chooses it."""
    from core.present.charts import IMAGE_FORMATS
    from ui import params, view

    view.pick("Chart images (camera button)", params.IMAGE, IMAGE_FORMATS, {"png": "PNG", "svg": "SVG"},
              container=st.sidebar)


def _set_widgets(f: Filters) -> None:
    """Widgets follow the URL: set each widget's state before it is drawn in this run.

    Always, not only when it differs: each page draws its own widget under the same key, and
    a widget new to this page would otherwise start empty.
    """
    wanted = {**{n: list(getattr(f, n)) for n in LIST_PARAMS}, "from": f.date_from, "to": f.date_to, "q": f.q,
              CONFIDENCE_PARAM: f.min_confidence}
    for name, value in wanted.items():
        st.session_state[KEY + name] = value


def _draw(options: Mapping[str, list[str]]) -> None:
    choices = {**options, "stance": list(STANCES), "issue": list(ISSUES)}
    with st.sidebar:
        st.markdown("**Filters**")
        st.text_input("Search sentences", key=KEY + "q", on_change=_widgets_to_url,
                      placeholder="words in the sentence, quote, speaker or title")
        for name in ("actor", "target", "stance", "issue", "speaker", "outlet"):
            st.multiselect(LABELS[name], choices[name], key=KEY + name, on_change=_widgets_to_url,
                           placeholder="any", format_func=issue_label if name == "issue" else str)
        left, right = st.columns(2)
        left.date_input("From", key=KEY + "from", value=None, min_value=DATE_MIN, max_value=DATE_MAX,
                        format="YYYY-MM-DD", on_change=_widgets_to_url)
        right.date_input("To", key=KEY + "to", value=None, min_value=DATE_MIN, max_value=DATE_MAX,
                         format="YYYY-MM-DD", on_change=_widgets_to_url)
        st.number_input("Minimum confidence", key=KEY + CONFIDENCE_PARAM, value=None, min_value=0.0, max_value=1.0,
                        step=0.05, format="%.2f", placeholder="any", on_change=_widgets_to_url,
                        help=_confidence_help())
        if any(st.session_state.get(KEY + n) for n in ALL_PARAMS):
            st.button("Clear filters", on_click=_clear, use_container_width=True)


def _confidence_help() -> str:
    from core.measure.accuracy import confidence_help

    return confidence_help(cache.accuracy())


def _widget_filters() -> Filters:
    state = st.session_state
    return Filters(**{n: tuple(state.get(KEY + n) or ()) for n in LIST_PARAMS},
                   date_from=state.get(KEY + "from"), date_to=state.get(KEY + "to"),
                   q=(state.get(KEY + "q") or "").strip(), min_confidence=state.get(KEY + CONFIDENCE_PARAM))


def _widgets_to_url() -> None:
    """on_change: the widgets' values become the URL (and what the next page inherits)."""
    f = from_query(to_query(_widget_filters()))  # through the codec, so the URL never holds what it rejects
    st.session_state[LAST] = f
    write_url(f)


def _clear() -> None:
    st.session_state[LAST] = Filters()
    write_url(Filters())
