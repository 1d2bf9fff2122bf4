"""View controls bound to underscore URL parameters (`_actor`, `_issue`, `_article`), Datasette style.

Filters choose *which rows*; a view parameter chooses *what this page focuses on*.
Both live in the URL, so a shared link reopens the same focus. An unknown value
is said plainly and replaced by the page's default.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from ui import params
from ui.share import md_line

NONE_LABEL = "—"


def choose(label: str, options: Sequence[str], param: str, default: str | None,
           *, optional: bool = False, container=None, labels: Mapping[str, str] | None = None) -> str | None:
    """A selectbox bound to `?{param}=value` both ways; returns the chosen value (or None).

    `labels` shows a value under another name (an article id as its title); the URL keeps the value.
    """
    choices: list[str | None] = ([None] if optional else []) + list(options)
    raw = st.query_params.get(param)
    value = raw if raw in options else default
    if raw and raw not in options:
        st.warning(md_line(f"No {label.lower()} named {raw!r} in the positions shown; showing "
                           f"{default if default else 'none'} instead."), icon=":material/link_off:")
    key = "view" + param
    st.session_state[key] = value  # always: a widget new to this page would otherwise start empty
    (container or st).selectbox(label, choices, key=key, on_change=_to_url, args=(param, key), placeholder=NONE_LABEL,
                                format_func=lambda v: NONE_LABEL if v is None else str((labels or {}).get(v, v)))
    return value


def current(param: str) -> dict[str, str]:
    """The view parameter as it stands in the URL, for the share link."""
    value = st.query_params.get(param)
    return {param: value} if value else {}


def _to_url(param: str, key: str) -> None:
    value = st.session_state.get(key)
    if value is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = value


def choose_side(label: str, param: str, options: Sequence[str], default: Sequence[str], *,
                legacy: str | None = None, container=None) -> tuple[str, ...]:
    """A side of the negotiation board: preset pills and an actor multiselect, bound to `?{param}=A,B`
    (repeated values and a preset's name read too; `legacy`, e.g. `_a`, is read when `param` is absent)."""
    from core.analysis.negotiation import PRESETS, parse_side, side_label

    raw = st.query_params.get_all(param) or (st.query_params.get_all(legacy) if legacy else [])
    wanted = parse_side(raw) if raw else tuple(default)
    unknown = [a for a in wanted if a not in options]
    if unknown:
        from ui.share import md  # the names come from the URL: shown literally

        st.warning(f"No actor named {md(', '.join(map(repr, unknown)))} among these positions; left out of {label}.",
                   icon=":material/link_off:")
        wanted = tuple(a for a in wanted if a in options)
    box = container or st
    key = "view" + param
    st.session_state[key + "_preset"] = side_label(wanted) if side_label(wanted) in PRESETS else None
    box.pills(label, list(PRESETS), key=key + "_preset", on_change=_preset_to_url, args=(param, key + "_preset"))
    st.session_state[key] = list(wanted)
    box.multiselect(f"{label}: actors", list(options), key=key, on_change=_side_to_url, args=(param, key),
                    placeholder="choose actors", label_visibility="collapsed")
    return wanted


def _write_side(param: str, actors: Sequence[str]) -> None:
    if actors:
        st.query_params[param] = ",".join(actors)
    else:
        st.query_params.pop(param, None)
    st.query_params.pop(PAGE_PARAM, None)   # another side: the board starts again at its first page


def _preset_to_url(param: str, key: str) -> None:
    from core.analysis.negotiation import PRESETS

    chosen = st.session_state.get(key)
    if chosen in PRESETS:
        _write_side(param, PRESETS[chosen])


def _side_to_url(param: str, key: str) -> None:
    _write_side(param, st.session_state.get(key) or [])


PAGE_PARAM = params.PAGE.name


def pager(n_rows: int, size: int, noun: str = "moves", container=None, order: str = "oldest first") -> int:
    """Page through a long list with `?_page=N` (1-based): previous and next buttons around the page number;
    returns the page shown and says which rows it holds (in `order`)."""
    from core.analysis.negotiation import page_of

    page, pages = page_of(n_rows, st.query_params.get(PAGE_PARAM), size)
    if pages > 1:
        box = container or st
        st.session_state["view" + PAGE_PARAM] = page
        back, number, forward = box.columns([1, 2, 1], vertical_alignment="bottom")
        back.button("Previous", key="view_page_previous", on_click=_step_page, args=(page - 1,), disabled=page <= 1,
                    icon=":material/chevron_left:", width="stretch")
        number.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key="view" + PAGE_PARAM,
                            on_change=_page_to_url)
        forward.button("Next", key="view_page_next", on_click=_step_page, args=(page + 1,), disabled=page >= pages,
                       icon=":material/chevron_right:", width="stretch")
        box.caption(f"{noun.capitalize()} {(page - 1) * size + 1:,}–{min(page * size, n_rows):,} of {n_rows:,}, "
                    f"{order}.")
    return page


def _step_page(page: int) -> None:
    params.PAGE.write(str(page))   # page 1 is the default: left out of the link


def _page_to_url() -> None:
    page = st.session_state.get("view" + PAGE_PARAM)
    if page and int(page) > 1:
        st.query_params[PAGE_PARAM] = str(int(page))
    else:
        st.query_params.pop(PAGE_PARAM, None)


def search(label: str, param: params.Param, *, help: str | None = None, placeholder: str | None = None,
           container=None) -> str:
    """A text box bound to `param` (`?_title=words`) both ways; returns its words ("" when empty). Applied on
    Enter or when the box loses focus, like every text box."""
    key = "view" + param.name
    st.session_state[key] = param.read() or ""  # always: the URL decides
    (container or st).text_input(label, key=key, on_change=_text_to_url, args=(param, key), help=help,
                                 placeholder=placeholder)
    return " ".join((param.read() or "").split())


def _text_to_url(param: params.Param, key: str) -> None:
    param.write(" ".join(str(st.session_state.get(key) or "").split()))


def switch(label: str, param: str, *, help: str | None = None, disabled: bool = False, container=None) -> bool:
    """A toggle bound to `?{param}=1` both ways; returns whether it is on."""
    key = "view" + param
    on = st.query_params.get(param) == "1"
    st.session_state[key] = on  # always: the URL decides
    (container or st).toggle(label, key=key, on_change=_switch_to_url, args=(param, key), help=help,
                             disabled=disabled)
    return on


def _switch_to_url(param: str, key: str) -> None:
    if st.session_state.get(key):
        st.query_params[param] = "1"
    else:
        st.query_params.pop(param, None)


def pick(label: str, param: params.Param, options: Sequence[str], labels: Mapping[str, str], *,
         container=None) -> str:
    """Radio buttons bound to `param` (ui.params): the URL's value, or the default (left out of the link).
    An unknown value is said plainly and replaced by the default."""
    raw = st.query_params.get(param.name)
    value = raw if raw in options else param.default
    if raw is not None and raw not in options:
        st.warning(md_line(f"{label}: {raw!r} is not one of {', '.join(options)}; showing {value} instead."),
                   icon=":material/link_off:")
    key = "view" + param.name
    st.session_state[key] = value  # always: the URL decides
    (container or st).radio(label, list(options), key=key, horizontal=True, on_change=_param_to_url,
                            args=(param, key), format_func=lambda v: labels.get(v, v))
    return value


def top_count(label: str, param: params.Param, total: int, *, container=None) -> int:
    """How many of `total` (actors) a chart draws, most active first: a number bound to `param`
    (`?_top=25`; the default is left out of the link). A value that is not a positive number is said
    plainly and replaced by the default."""
    raw = st.query_params.get(param.name)
    wanted = int(raw) if raw is not None and raw.isdigit() and int(raw) > 0 else int(param.default)
    if raw is not None and str(wanted) != raw:
        st.warning(md_line(f"{label}: {raw!r} is not a number of actors; showing {wanted}."), icon=":material/link_off:")
    shown = max(min(wanted, total), 1)
    key = "view" + param.name
    st.session_state[key] = shown
    (container or st).number_input(label, min_value=1, max_value=max(total, 1), step=5, key=key,
                                   on_change=_param_to_url, args=(param, key))
    return shown


def _param_to_url(param: params.Param, key: str) -> None:
    value = st.session_state.get(key)
    param.write(None if value is None else str(value))   # 15, not "15", would not match the default
