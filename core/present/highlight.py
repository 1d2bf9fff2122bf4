"""Article text -> HTML with each position's sentence highlighted in its stance colour.

The article text is untrusted (it comes from the web): every piece of it, and every
value that goes into a hover title, is HTML-escaped before any markup is added.
"""
from __future__ import annotations

import html
import re

import pandas as pd

from core.present.colors import stance_color, stance_rgba
from core.present.labels import issue_label
from core.schema import STANCES

_MARK = ('<mark class="parley-pos"{extra} style="background:{bg};border-bottom:3px solid {fg};'
         'color:inherit;padding:0 1px;border-radius:2px{focus}" title="{title}">{text}</mark>')
_FOCUS = ";outline:3px solid {fg};outline-offset:2px;scroll-margin-top:30vh"
_ID = re.compile(r"[^A-Za-z0-9_-]")
_BLANK_LINES = re.compile(r"\n[ \t\xa0]*(?:\n[ \t\xa0]*){2,}")


def anchor_id(position_id) -> str:
    """The HTML id of a position's mark (`pos-5bbb357d0515d1bd`): a link or a script can find it."""
    return "pos-" + _ID.sub("", str(position_id))


def position_why(row) -> str:
    """Why the row exists and how far to trust it: `why: cue "demanded" · rule stance.x · confidence 0.62
    (likely) · not reviewed`; empty when the row holds none of these."""
    parts = []
    if _present(row.get("cue")):
        parts.append(f'cue "{row.get("cue")}"')
    if _present(row.get("rule_id")):
        parts.append(f"rule {row.get('rule_id')}")
    if _present(row.get("confidence")):
        word = f" ({row.get('trust')})" if _present(row.get("trust")) else ""
        parts.append(f"confidence {float(row.get('confidence')):.2f}{word}")
    status = row.get("review_status")
    if _present(status):
        parts.append("not reviewed" if status == "unreviewed" else f"reviewed: {status}")
    return ("why: " + " · ".join(parts)) if parts else ""


def position_label(row) -> str:
    """`Russia demand → NATO · NATO enlargement · speaker Sergei Lavrov · 2021-12` in words a reader scans."""
    head = f"{row.get('actor')} {row.get('stance')}"
    if _present(row.get("target")):
        head += f" → {row.get('target')}"
    parts = [head, issue_label(row.get("issue"))]
    if _present(row.get("speaker")):
        parts.append(f"speaker {row.get('speaker')}")
    if _present(row.get("date")):
        parts.append(str(row.get("date")))
    if row.get("hedged") is True:
        parts.append("hedged")
    return " · ".join(parts)


def spans(text: str, positions: pd.DataFrame) -> list[tuple[int, int, dict]]:
    """(start, end, row) for every position whose sentence can be placed in the text."""
    out = []
    for row in positions.to_dict("records"):
        start, end = _locate(text, row)
        if start is not None:
            out.append((start, end, row))
    return out


def highlight(text: str, positions: pd.DataFrame, focus: str | None = None,
              hide: list[tuple[int, int]] | tuple = ()) -> str:
    """The whole text as escaped HTML, positions wrapped in <mark> with a hover title per row (what it
    says, then why). The position `focus` (a position_id: the one a link pointed at) is outlined and its
    first mark carries `id="pos-…"` (anchor_id). Text in the `hide` spans (page furniture,
    core.extract.clean.find_boilerplate) is left out unless a position covers it; offsets are unaffected."""
    text = text or ""
    placed = spans(text, positions) if positions is not None and len(positions) else []
    hide = [(int(s), int(e)) for s, e, *_ in hide]
    cuts = sorted({0, len(text), *(s for s, _, _ in placed), *(e for _, e, _ in placed),
                   *(min(max(s, 0), len(text)) for s, _ in hide), *(min(max(e, 0), len(text)) for _, e in hide)})
    pieces, anchored = [], False
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [row for s, e, row in placed if s <= a and b <= e]
        if not covering and any(s <= a and b <= e for s, e in hide):
            continue
        focused = focus is not None and any(str(r.get("position_id")) == str(focus) for r in covering)
        pieces.append(_segment(text[a:b], covering, focused, anchor=focus if focused and not anchored else None))
        anchored = anchored or focused
    body = "".join(pieces)
    if hide:
        body = _BLANK_LINES.sub("\n\n", body).strip("\n")  # the lines left out leave no gaps behind
    return '<div class="parley-article" style="white-space:pre-wrap;line-height:1.6">' + body + "</div>"


def legend() -> str:
    """Stance colour chips, in the contract's order like every chart legend, for above a highlighted article."""
    chips = [f'<span style="background:{stance_rgba(s, 0.35)};border-bottom:3px solid {stance_color(s)};'
             f'padding:0 4px;margin-right:6px;border-radius:2px">{html.escape(s)}</span>' for s in STANCES]
    return "<div>" + "".join(chips) + "</div>"


def _segment(piece: str, covering: list[dict], focused: bool = False, anchor: str | None = None) -> str:
    escaped = html.escape(piece)
    if not covering:
        return escaped
    stance = covering[0].get("stance")
    title = "\n".join(filter(None, (line for r in covering for line in (position_label(r), position_why(r)))))
    extra = f' id="{anchor_id(anchor)}"' if anchor is not None else ""
    return _MARK.format(bg=stance_rgba(stance, 0.35), fg=stance_color(stance), extra=extra,
                        focus=_FOCUS.format(fg=stance_color(stance)) if focused else "",
                        title=html.escape(title, quote=True), text=escaped)


def _locate(text: str, row: dict) -> tuple[int | None, int | None]:
    """The row's character span, trusting char_start/char_end only when they hold its sentence."""
    start, end, sentence = row.get("char_start"), row.get("char_end"), row.get("sentence")
    if _present(start) and _present(end) and 0 <= int(start) < int(end) <= len(text):
        start, end = int(start), int(end)
        if not _present(sentence) or text[start:end].strip() == str(sentence).strip():
            return start, end
    if _present(sentence) and str(sentence).strip():
        found = text.find(str(sentence).strip())
        if found >= 0:
            return found, found + len(str(sentence).strip())
    return None, None


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and value != value) and value is not pd.NA
