"""Human review of extracted positions: decisions, their audit trail, and the overlay every view applies.

A reviewer can accept, reject or edit a position, add one the extractor missed,
or reopen (undo) a review. Each decision is written in one transaction to

- `review_state`: the position as the reviewer left it (status `accepted`,
  `edited`, `rejected` or `added`), plus the identity of the machine row that
  was reviewed (`origin_*`);
- `review_log`: the audit trail, append-only, with reviewer, UTC time, action,
  and the values before and after (JSON).

The `positions` table is never written here: re-extraction replaces it freely.
The *overlay* (`query_positions`, `positions_for_article`) is applied when positions are read, so that

- a reviewed position shows as the reviewer left it, even after re-extraction;
- a machine row is hidden behind a review when it is the row that was reviewed,
  or when it says what the reviewer made of it (same article, sentence, actor,
  stance and issue), so a rejected row stays rejected and an edited or added
  one is not doubled when a better extractor finds it too;
- every row carries `review_status` (`unreviewed`, `accepted`, `edited`,
  `rejected`, `added`), so exports say how far each row was checked.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from pathlib import Path

import pandas as pd

from core.present.why import ADDED_RULE
from core.schema import DATE_PRECISIONS, ISSUES, POSITION_COLUMNS, STANCES
from core.storage import derived
from core.storage.overlay import (  # noqa: F401  (the overlay is read through this module too)
    ORIGIN,
    REVIEW_COLUMNS,
    REVIEWED,
    STATUSES,
    _norm,
    _plain,
    overlay_rows,
    positions_for_article,
    query_positions,
    review_queue,
    shown_rows,
    status_counts,
)
from core.storage.store import (
    Store,
    quoted,
)
from core.storage.writers import check_output, write_table

EDITABLE = ("sentence", "actor", "speaker", "target", "stance", "issue", "date", "date_precision", "hedged", "quote")
_DATE_RE = {"day": re.compile(r"^\d{4}-\d{2}-\d{2}$"), "month": re.compile(r"^\d{4}-\d{2}$"),
            "year": re.compile(r"^\d{4}$")}
_STATE_COLUMNS = (*POSITION_COLUMNS, "extractor_version", "status", "reviewer", "decided_at",
                  *(f"origin_{c}" for c in ORIGIN))


class ReviewError(ValueError):
    """A decision cannot be recorded; the message says what to fix."""


# -- decisions ------------------------------------------------------------------

def accept(store: Store, position_id: str, reviewer: str, *, note: str | None = None) -> dict:
    """Mark a position checked as it stands. An edited or added one keeps that status."""
    return _decide(store, position_id, reviewer, "accept", note=note)


def reject(store: Store, position_id: str, reviewer: str, *, note: str | None = None) -> dict:
    """Mark a position wrong: hidden from every view, and it stays so after re-extraction."""
    return _decide(store, position_id, reviewer, "reject", note=note)


def edit(store: Store, position_id: str, reviewer: str, changes: dict, *, note: str | None = None) -> dict:
    """Change fields of a position (any of EDITABLE); the result counts as reviewed."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ReviewError(f"cannot edit {unknown}: editable fields are {', '.join(EDITABLE)}")
    return _decide(store, position_id, reviewer, "edit", changes=changes, note=note)


def reopen(store: Store, position_id: str, reviewer: str, *, note: str | None = None) -> dict:
    """Undo a review: the machine row shows again (an added position is removed)."""
    return _decide(store, position_id, reviewer, "reopen", note=note)


def add(store: Store, article_id: str, reviewer: str, fields: dict, *, note: str | None = None) -> dict:
    """Add a position the extractor missed: `fields` needs sentence, actor, stance and issue.

    The sentence must be in the article's text (it is located there for highlighting);
    the date defaults to the publication date. Returns the new row (with its position_id).
    """
    reviewer = _check_reviewer(reviewer)
    with store.transaction() as conn:
        art = conn.execute("SELECT text, published FROM articles WHERE article_id = $id",
                           {"id": article_id}).fetchone()
        if art is None:
            raise ReviewError(f"no article {article_id!r} in the database")
        row = _new_row(article_id, art[0] or "", art[1], fields)
        if _state(conn, row["position_id"]) is not None:
            raise ReviewError("this position was already added (same sentence, actor, stance and issue)")
        _write_state(conn, row, "added", reviewer, origin=row)
        _log(conn, row["position_id"], article_id, "add", reviewer, None, row, note)
        derived.refresh(conn, derived.lines_of([row]))
    return row


def _decide(store: Store, position_id: str, reviewer: str, action: str, *,
            changes: dict | None = None, note: str | None = None) -> dict:
    reviewer = _check_reviewer(reviewer)
    with store.transaction() as conn:
        state = _state(conn, position_id)
        before = state or _machine_row(conn, position_id)
        if before is None:
            raise ReviewError(f"no position {position_id!r}: it may have been re-extracted away; reload the page")
        after = dict(before)
        if action == "reopen":
            if state is None:
                raise ReviewError(f"position {position_id!r} has no review to reopen")
            conn.execute("DELETE FROM review_state WHERE position_id = $id", {"id": position_id})
            _log(conn, position_id, before["article_id"], action, reviewer, before, None, note)
            origin = {"actor": state["origin_actor"], "issue": state["origin_issue"]}
            derived.refresh(conn, derived.lines_of([before, origin, _machine_row(conn, position_id)]))
            return {**before, "review_status": "removed" if state["status"] == "added" else "unreviewed"}
        if changes:
            after = _apply_changes(conn, before, changes)
        status = _next_status(action, state, before, after)
        origin = {f: (state or before)[f"origin_{f}" if state else f] for f in ORIGIN}
        _write_state(conn, after, status, reviewer, origin=origin)
        _log(conn, position_id, before["article_id"], action, reviewer, before, after, note)
        derived.refresh(conn, derived.lines_of([before, after, origin, _machine_row(conn, position_id)]))
    return {**after, "review_status": status}


def _next_status(action: str, state: dict | None, before: dict, after: dict) -> str:
    if action == "reject":
        return "rejected"
    if state is not None and state["status"] == "added":
        return "added"  # still the reviewer's own row, whatever else is done to it
    edited = action == "edit" or (state is not None and state["status"] == "edited")
    return "edited" if edited else "accepted"


# -- audit trail ----------------------------------------------------------------------

AUDIT_FORMATS = (".csv", ".jsonl")
AUDIT_COLUMNS = ("decided_at", "reviewer", "action", "position_id", "article_id", "changes", "note",
                 "previous", "current")


def audit_trail(store: Store, *, position_id: str | None = None, reviewer: str | None = None,
                limit: int | None = None) -> pd.DataFrame:
    """Every decision, newest first, with a readable `changes` and the JSON before and after."""
    conds, params = [], {}
    if position_id:
        conds.append("position_id = $position_id")
        params["position_id"] = position_id
    if reviewer:
        conds.append("reviewer = $reviewer")
        params["reviewer"] = reviewer
    sql = ("SELECT decided_at, reviewer, action, position_id, article_id, note, previous, current, decision_id"
           " FROM review_log" + (" WHERE " + " AND ".join(conds) if conds else "")
           + " ORDER BY decided_at DESC, decision_id DESC")
    if limit is not None:
        sql += " LIMIT $limit"
        params["limit"] = int(limit)
    with store.connect() as conn:
        df = conn.execute(sql, params).df()
    df["changes"] = [describe_change(a, p, c) for a, p, c in zip(df["action"], df["previous"], df["current"], strict=True)]
    df["decided_at"] = df["decided_at"].astype("string")
    return df[list(AUDIT_COLUMNS)]


def export_audit(store: Store, path: str | Path) -> int:
    """Write the audit trail to .csv or .jsonl; returns the number of decisions written."""
    try:
        check_output(path, AUDIT_FORMATS)
    except ValueError as err:
        raise ReviewError(f"{err} (the audit trail)") from None
    df = audit_trail(store)
    write_table(df, path, AUDIT_FORMATS)
    return len(df)


def describe_change(action: str, previous: str | None, current: str | None) -> str:
    """`stance: demand → warning; target: NATO → West`, or what was accepted, rejected, added."""
    before = json.loads(previous) if _plain(previous) else {}
    after = json.loads(current) if _plain(current) else {}
    summary = _summary(after or before)
    if action == "edit":
        diffs = [f"{k}: {_show(before.get(k))} → {_show(after.get(k))}" for k in EDITABLE
                 if before.get(k) != after.get(k)]
        return "; ".join(diffs) or "no change"
    return {"accept": f"accepted {summary}", "reject": f"rejected {summary}", "add": f"added {summary}",
            "reopen": f"reopened {summary}"}.get(action, action)


# -- helpers ---------------------------------------------------------------------

def _check_reviewer(reviewer: str) -> str:
    name = (reviewer or "").strip()
    if not name:
        raise ReviewError("a decision needs the reviewer's name")
    return name


def _machine_row(conn, position_id: str) -> dict | None:
    cols = (*POSITION_COLUMNS, "position_id", "extractor_version")
    cur = conn.execute(f"SELECT {quoted(cols)} FROM positions"
                       " WHERE position_id = $id", {"id": position_id})
    row = cur.fetchone()
    return {c: _plain(v) for c, v in zip(cols, row, strict=True)} if row else None


def _state(conn, position_id: str) -> dict | None:
    cols = ("position_id", *_STATE_COLUMNS)
    cur = conn.execute(f"SELECT {quoted(cols)} FROM review_state"
                       " WHERE position_id = $id", {"id": position_id})
    row = cur.fetchone()
    return {c: _plain(v) for c, v in zip(cols, row, strict=True)} if row else None


def _write_state(conn, row: dict, status: str, reviewer: str, *, origin: dict) -> None:
    values = {c: _plain(row.get(c)) for c in (*POSITION_COLUMNS, "extractor_version")}
    values.update(position_id=row["position_id"], status=status, reviewer=reviewer, decided_at=_now())
    values.update({f"origin_{c}": _plain(origin.get(c)) for c in ORIGIN})
    cols = ["position_id", *_STATE_COLUMNS]
    conn.execute("DELETE FROM review_state WHERE position_id = $id", {"id": row["position_id"]})
    conn.execute(f"INSERT INTO review_state ({quoted(cols)})"
                 f" VALUES ({', '.join('$' + c for c in cols)})", values)


def _log(conn, position_id: str, article_id, action: str, reviewer: str, before: dict | None,
         after: dict | None, note: str | None) -> None:
    conn.execute(
        "INSERT INTO review_log (decision_id, position_id, article_id, action, reviewer, decided_at,"
        " previous, current, note) VALUES ($decision_id, $position_id, $article_id, $action, $reviewer,"
        " $decided_at, $previous, $current, $note)",
        {"decision_id": uuid.uuid4().hex, "position_id": position_id, "article_id": article_id,
         "action": action, "reviewer": reviewer, "decided_at": _now(), "previous": _json(before),
         "current": _json(after), "note": (note or "").strip() or None})


def _apply_changes(conn, before: dict, changes: dict) -> dict:
    after = {**before, **{k: _clean(v) for k, v in changes.items()}}
    if after.get("sentence") != before.get("sentence"):
        text = conn.execute("SELECT text FROM articles WHERE article_id = $id",
                            {"id": before["article_id"]}).fetchone()[0] or ""
        after["char_start"], after["char_end"] = _locate(text, after["sentence"])
    _validate(after)
    return after


def _new_row(article_id: str, text: str, published, fields: dict) -> dict:
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise ReviewError(f"unknown field(s) {unknown}: a position has {', '.join(EDITABLE)}")
    row = {c: None for c in POSITION_COLUMNS}
    row.update({k: _clean(v) for k, v in fields.items()})
    row.update(article_id=article_id, confidence=1.0, rule_id=ADDED_RULE, cue=None, extractor_version=None)
    row["date"] = row.get("date") or _plain(published)
    row["date_precision"] = row.get("date_precision") or _precision_of(row["date"])
    row["hedged"] = bool(row.get("hedged"))
    row["char_start"], row["char_end"] = _locate(text, row.get("sentence") or "")
    _validate(row)
    key = "\x1f".join(str(row[c]) for c in ("article_id", "char_start", "char_end", "actor", "stance", "issue"))
    row["position_id"] = "added:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    return row


def _validate(row: dict) -> None:
    for col in ("sentence", "actor", "stance", "issue", "date", "date_precision"):
        if not row.get(col):
            raise ReviewError(f"a position needs a {col}")
    for col, allowed in (("stance", STANCES), ("issue", ISSUES), ("date_precision", DATE_PRECISIONS)):
        if row[col] not in allowed:
            raise ReviewError(f"{col} {row[col]!r} is not one of {', '.join(allowed)}")
    if not _DATE_RE[row["date_precision"]].match(str(row["date"])):
        raise ReviewError(f"date {row['date']!r} does not fit precision {row['date_precision']!r}: "
                          "write YYYY-MM-DD, YYYY-MM or YYYY")


def _locate(text: str, sentence: str) -> tuple[int, int]:
    start = text.find(sentence.strip()) if sentence.strip() else -1
    if start < 0:
        raise ReviewError("the sentence is not in the article's text: select it from the article")
    return start, start + len(sentence.strip())


def _precision_of(date) -> str:
    return {10: "day", 7: "month", 4: "year"}.get(len(str(date or "")), "day")


def _summary(row: dict) -> str:
    if not row:
        return ""
    target = f" → {row['target']}" if row.get("target") else ""
    return f"{row.get('actor')} {row.get('stance')}{target} on {row.get('issue')} ({row.get('date')})"


def _show(value) -> str:
    return "—" if value in (None, "") else str(value)


def _json(row: dict | None) -> str | None:
    if row is None:
        return None
    return json.dumps({k: _plain(v) for k, v in row.items() if k in (*POSITION_COLUMNS, "position_id")},
                      ensure_ascii=False, sort_keys=True)


def _clean(value):
    value = _plain(value)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _now() -> dt.datetime:
    # Stored as naive UTC: DuckDB TIMESTAMP has no zone, and reviewers sit in many.
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def readable_audit(trail: pd.DataFrame) -> pd.DataFrame:
    """The audit trail as a person reads it: when (to the second), who, what was decided, on which sentence,
    the change and the note; no hash ids (the download keeps them)."""
    def sentence(previous, current) -> str:
        for raw in (current, previous):
            if _plain(raw):
                found = json.loads(raw).get("sentence")
                if _plain(found):
                    return str(found)
        return ""

    when = pd.to_datetime(trail["decided_at"], errors="coerce", utc=True)
    return pd.DataFrame({
        "when (UTC)": when.dt.strftime("%Y-%m-%d %H:%M:%S").astype("string"),
        "reviewer": trail["reviewer"].astype("string"),
        "action": trail["action"].astype("string"),
        "sentence": [sentence(p, c) for p, c in zip(trail["previous"], trail["current"], strict=True)],
        "change": trail["changes"].astype("string"),
        "note": trail["note"].astype("string"),
    })
