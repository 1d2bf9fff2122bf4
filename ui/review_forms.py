"""The review page's pieces: one position with its evidence and reasons, the decision buttons,
the edit form and the add form. Each records through ui.reviewing.run and reruns on success."""
from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from core.present import why
from core.present.evidence import article_sentences, evidence_html
from core.schema import DATE_PRECISIONS, ISSUES, STANCES
from core.storage import review
from ui import cache, reviewing
from ui.share import md

FIELDS = ("actor", "stance", "target", "issue", "speaker", "date", "date_precision", "hedged", "quote",
          "confidence", "review_status", "reviewer", "outlet", "title")


def label(row) -> str:
    """One line per queue item: confidence, who does what to whom, the start of the sentence."""
    conf = "—" if pd.isna(row["confidence"]) else f"{row['confidence']:.2f}"
    target = f" → {row['target']}" if _given(row["target"]) else ""
    sentence = str(row["sentence"])
    return f"{conf} · {row['actor']} {row['stance']}{target} · {sentence[:80]}{'…' if len(sentence) > 80 else ''}"


def pick(label_text: str, items: pd.DataFrame, param: str) -> str:
    """Choose one position of `items` (indexed by position_id), bound to `?{param}=ID` both ways.

    The widget's key follows the options, so when a decision takes an item out of the list the
    choice falls back to the first item instead of holding a stale one.
    """
    ids = list(items.index)
    wanted = st.query_params.get(param)
    index = ids.index(wanted) if wanted in ids else 0
    key = f"rv_pick_{param}_{hashlib.sha1('|'.join(ids).encode()).hexdigest()[:12]}"
    chosen = st.selectbox(label_text, ids, index=index, key=key, format_func=lambda p: label(items.loc[p]),
                          on_change=_pick_to_url, args=(param, key))
    return chosen


def _pick_to_url(param: str, key: str) -> None:
    st.query_params[param] = st.session_state[key]


def show_position(row) -> None:
    """The sentence in its paragraph, the fields, and why it was extracted."""
    art, _ = cache.article(row["article_id"])
    text = (art or {}).get("text") or ""
    st.markdown(f'<blockquote class="parley-evidence">{evidence_html(text, _int(row["char_start"]), _int(row["char_end"]), row["sentence"], row["stance"])}</blockquote>',
                unsafe_allow_html=True)
    st.markdown(f"**Why it was extracted:** {md(why.explain(row))}")
    fields = pd.DataFrame({"field": [f for f in FIELDS if f in row.index],
                           "value": [_show(row[f]) for f in FIELDS if f in row.index]})
    st.dataframe(fields, hide_index=True, width="stretch")


def panel(row, reviewer: str | None, actors: list[str], where: str) -> None:
    """One position to check: its evidence and reasons, then (once the reviewer is named) the decisions."""
    show_position(row)
    if reviewer:
        decision_buttons(row, reviewer, where)
        edit_form(row, reviewer, actors, where)


def decision_buttons(row, reviewer: str, where: str) -> None:
    note = st.text_input("Note (optional)", key=f"rv_{where}_note_{row['position_id']}")
    left, mid, right = st.columns(3)
    pid = row["position_id"]
    if left.button("Accept", key=f"rv_{where}_accept", type="primary", icon=":material/check:", width="stretch"):
        _done(reviewing.run(review.accept, pid, reviewer, note=note), "Accepted.")
    if mid.button("Reject", key=f"rv_{where}_reject", icon=":material/close:", width="stretch"):
        _done(reviewing.run(review.reject, pid, reviewer, note=note), "Rejected: hidden from every view.")
    if row["review_status"] != "unreviewed" and right.button("Reopen", key=f"rv_{where}_reopen", icon=":material/undo:",
                                                             width="stretch"):
        _done(reviewing.run(review.reopen, pid, reviewer, note=note), "Review undone.")


def edit_form(row, reviewer: str, actors: list[str], where: str) -> None:
    with st.form(f"rv_{where}_edit_{row['position_id']}"):
        st.markdown("**Edit the fields** (only what you change is recorded)")
        values = _field_inputs(f"rv_{where}_edit_{row['position_id']}", row, actors)
        if st.form_submit_button("Save edits", icon=":material/edit:"):
            changes = {k: v for k, v in values.items() if _differs(row.get(k), v)}
            if not changes:
                st.info("Nothing changed.")
                return
            _done(reviewing.run(review.edit, row["position_id"], reviewer, changes), "Saved.")


def add_form(article_id: str, reviewer: str, actors: list[str]) -> None:
    """Pick a sentence of the article and fill in the fields of the position the extractor missed."""
    art, found = cache.article(article_id)
    if not art:
        st.info("Choose an article to add a position to.")
        return
    sentences = article_sentences(art.get("text") or "")
    if not sentences:
        st.info("This article has no text to select from.")
        return
    have = {int(s) for s in found["char_start"].dropna()} if len(found) else set()
    idx = st.selectbox("Sentence", range(len(sentences)), key=f"rv_add_sentence_{article_id}",
                       format_func=lambda i: ("● " if sentences[i][0] in have else "○ ") + sentences[i][2][:140])
    st.caption("● the extractor found a position in this sentence; ○ it found none.")
    start, end, sentence = sentences[idx]
    blank = pd.Series({"actor": None, "stance": None, "target": None, "issue": None, "speaker": None,
                       "date": art.get("published"), "date_precision": "day", "hedged": False, "quote": None})
    with st.form(f"rv_add_{article_id}"):
        st.markdown(f"> {md(sentence)}")
        values = _field_inputs(f"rv_add_{article_id}_{start}", blank, actors)
        if st.form_submit_button("Add this position", icon=":material/add:"):
            if not values.get("actor") or not values.get("stance") or not values.get("issue"):
                st.error("An added position needs an actor, a stance and an issue.")
                return
            fields = {"sentence": sentence, **{k: v for k, v in values.items() if v not in (None, "")}}
            _done(reviewing.run(review.add, article_id, reviewer, fields), "Added.")


def _field_inputs(prefix: str, row, actors: list[str]) -> dict:
    c1, c2, c3 = st.columns(3)
    actor_opts, target_opts = _opts(actors, row.get("actor")), _opts(actors, row.get("target"))
    out = {
        "actor": c1.selectbox("Actor", actor_opts, index=_index(actor_opts, row.get("actor")),
                              accept_new_options=True, key=f"{prefix}_actor"),
        "stance": c2.selectbox("Stance", STANCES, index=_index(STANCES, row.get("stance")), key=f"{prefix}_stance"),
        "target": c3.selectbox("Target", target_opts, index=_index(target_opts, row.get("target")),
                               accept_new_options=True, key=f"{prefix}_target"),
    }
    c4, c5, c6 = st.columns(3)
    out["issue"] = c4.selectbox("Issue", ISSUES, index=_index(ISSUES, row.get("issue")), key=f"{prefix}_issue")
    out["date"] = c5.text_input("Date (YYYY-MM-DD, YYYY-MM or YYYY)", value=_show(row.get("date"), ""),
                                key=f"{prefix}_date")
    out["date_precision"] = c6.selectbox("Date precision", DATE_PRECISIONS,
                                         index=_index(DATE_PRECISIONS, row.get("date_precision")) or 0,
                                         key=f"{prefix}_precision")
    c7, c8, c9 = st.columns([2, 2, 1])
    out["speaker"] = c7.text_input("Speaker", value=_show(row.get("speaker"), ""), key=f"{prefix}_speaker") or None
    out["quote"] = c8.text_input("Quote", value=_show(row.get("quote"), ""), key=f"{prefix}_quote") or None
    out["hedged"] = c9.checkbox("Hedged", value=_given(row.get("hedged")) and bool(row.get("hedged")), key=f"{prefix}_hedged")
    return out


def _done(ok: bool, message: str) -> None:
    if ok:
        st.toast(message)
        st.rerun()


def _opts(options: list[str], current) -> list[str]:
    return options if not _given(current) or current in options else [current, *options]


def _index(options, value) -> int | None:
    options = list(options)
    return options.index(value) if _given(value) and value in options else None


def _differs(old, new) -> bool:
    return (None if not _given(old) else old) != (None if new in (None, "") else new)


def _given(value) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value)) and str(value) != ""


def _show(value, none: str = "—") -> str:
    return str(value) if _given(value) else none


def _int(value) -> int | None:
    return int(value) if _given(value) else None
