"""Chart builders: pure functions, a DataFrame in and a plotly Figure out (no Streamlit).

Stances always take their colour from core.present.colors and appear in the contract's
order, so the same stance looks the same on every page. Backgrounds are left to
the page's theme (Streamlit applies light or dark), so only marks carry colour.
"""
from __future__ import annotations

import math
import re

import pandas as pd
import plotly.graph_objects as go

from core.analysis.views import date_precisions, date_values
from core.present.colors import STANCE_COLORS, stance_color, stance_rgba, text_color
from core.present.labels import issue_label, issue_labels
from core.schema import ISSUES, STANCES

_LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), legend_title_text="stance", hovermode="closest",
               legend=dict(traceorder="normal"))
OUTLIER_SHARE = 0.02       # the oldest 2% of dates may lie far back (a 2014 reference in 2022 news)...
OUTLIER_GAP = pd.Timedelta(days=365)  # ...and when they do, the first view starts where the rest begins


def focus_range(when: pd.Series, weights: pd.Series | None = None) -> list[pd.Timestamp] | None:
    """An x range that leaves out a few far older dates; None when the data has no such outliers.

    Double-click (autoscale) still shows everything: only the first view is focused.
    """
    when = when.dropna()
    if when.empty:
        return None
    if weights is not None:
        when = when.repeat(weights.loc[when.index].clip(lower=0).astype(int))
    start, first = when.quantile(OUTLIER_SHARE), when.min()
    if start - first < OUTLIER_GAP:
        return None
    pad = pd.Timedelta(days=20)
    return [start - pad, when.max() + pad]


def _figure(title: str, **layout) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=_html_safe(title), **{**_LAYOUT, **layout})  # titles name actors and issues from the data
    return fig


def _stances_in(df: pd.DataFrame) -> list[str]:
    present = set(df["stance"].dropna().unique()) if "stance" in df else set()
    return [s for s in STANCES if s in present]


PERIODS = {"M": "M1", "Q": "M3", "Y": "M12", "W": 7 * 24 * 3600 * 1000, "D": 24 * 3600 * 1000}


def stance_mix_chart(mix: pd.DataFrame, title: str = "Stance mix over time", freq: str = "M",
                     value_max: float | None = None) -> go.Figure:
    """Stacked bars of positions per period, one colour per stance (input: views.stance_mix with the same
    `freq`). Each bar spans its period (a January bar covers January, not mid-December to mid-January).
    `value_max` fixes the count axis, so two charts side by side share one scale."""
    fig = _figure(title, barmode="stack", xaxis_title=None, yaxis_title="positions")
    for stance in _stances_in(mix):
        part = mix[mix["stance"] == stance]
        fig.add_bar(x=part["period"], y=part["count"], name=stance, marker_color=stance_color(stance),
                    xperiod=PERIODS.get(freq, "M1"), xperiod0="2000-01-01", xperiodalignment="middle",
                    hovertemplate=f"{stance}: %{{y}}<br>%{{x|%b %Y}}<extra></extra>")
    if value_max:
        fig.update_yaxes(range=[0, value_max * 1.05])
    focus = focus_range(mix["period"], mix["count"]) if len(mix) else None
    if focus:
        fig.update_xaxes(range=focus)
    return fig


def bar_height(n_bars: int) -> int:
    """A horizontal bar chart's height: bars of one thickness whether they are one or twenty."""
    return 110 + 30 * max(n_bars, 1)


def _shared_scale(fig: go.Figure, value_max: float | None, axis: str = "x") -> go.Figure:
    """Fix the count axis at 0..value_max (two profiles side by side compare at one scale)."""
    if value_max:
        (fig.update_xaxes if axis == "x" else fig.update_yaxes)(range=[0, value_max * 1.05])
    return fig


def stance_bar(counts: pd.DataFrame, title: str = "Stances", value_max: float | None = None) -> go.Figure:
    """Horizontal bar per stance (input: views.stance_counts)."""
    fig = _figure(title, showlegend=False, xaxis_title="positions", yaxis=dict(autorange="reversed"),
                  height=bar_height(len(counts)))
    fig.add_bar(y=_safe_labels(counts["stance"]), x=counts["count"], orientation="h",
                marker_color=[stance_color(s) for s in counts["stance"]],
                hovertemplate="%{y}: %{x}<extra></extra>")
    return _shared_scale(fig, value_max)


def count_bar(counts: pd.DataFrame, label: str, title: str, stance: str | None = None,
              value_max: float | None = None) -> go.Figure:
    """Horizontal bar of a (label, count) table, e.g. whom an actor's demands address.

    Bars take the colour of the stance they count (`stance="demand"`), never another stance's colour;
    counts of no one stance are drawn in the neutral colour.
    """
    fig = _figure(title, showlegend=False, xaxis_title="positions", yaxis=dict(autorange="reversed"),
                  height=bar_height(len(counts)))
    fig.add_bar(y=_safe_labels(counts[label]), x=counts["count"], orientation="h", marker_color=stance_color(stance),
                hovertemplate="%{y}: %{x}<extra></extra>")
    return _shared_scale(fig, value_max)


def issue_stance_chart(issues: pd.DataFrame, title: str = "Issues", value_max: float | None = None) -> go.Figure:
    """Stacked horizontal bars: issue × stance counts (input: views.actor_profile()['issues']), issues in words."""
    fig = _figure(title, barmode="stack", xaxis_title="positions",
                  height=max(bar_height(issues["issue"].nunique()), 60 + 22 * len(_stances_in(issues))))
    for stance in _stances_in(issues):
        part = issues[issues["stance"] == stance]
        fig.add_bar(y=_safe_labels(issue_labels(part["issue"])), x=part["count"], orientation="h", name=stance,
                    marker_color=stance_color(stance), hovertemplate=f"%{{y}} · {stance}: %{{x}}<extra></extra>")
    return _shared_scale(fig, value_max)


_WRAP = re.compile(r"(.{1,80})(?:\s+|$)")


def wrap(text: str, max_chars: int = 480) -> str:
    """Break a sentence into hover lines of at most ~80 characters (a regex: textwrap is too slow here)."""
    text = text if len(text) <= max_chars else text[:max_chars].rsplit(" ", 1)[0] + " …"
    return _WRAP.sub(lambda m: m.group(1) + "<br>", text).removesuffix("<br>")


def hover_text(df: pd.DataFrame) -> list[str]:
    """The hover of one position: the evidence sentence (wrapped), then speaker, outlet and date."""
    out = []
    for row in df.itertuples(index=False):
        sentence = wrap(_html_safe(getattr(row, "sentence", "") or ""))
        meta = [f"<b>{_html_safe(row.actor)} {row.stance}</b>" + (f" → {_html_safe(row.target)}" if _given(row.target) else "")]
        if _given(getattr(row, "speaker", None)):
            meta.append(f"speaker: {_html_safe(row.speaker)}")
        if _given(getattr(row, "outlet", None)):
            meta.append(f"outlet: {_html_safe(row.outlet)}")
        meta.append(f"{issue_label(row.issue)} · {date_words(row.date)}")
        trust = _trust_line(row)
        out.append("<br>".join(meta) + "<br>" + sentence + (f"<br><i>{trust}</i>" if trust else ""))
    return out


def date_words(date) -> str:
    """`2022-01-10`, `month 2021-12` or `year 2022`: a hover never passes a month off as a day."""
    text = str(date) if _given(date) else "undated"
    return {7: f"month {text}", 4: f"year {text}"}.get(len(text), text)


def _trust_line(row) -> str:
    """`likely · cue "demanded" · rule demand.verb` when the rows carry `trust` and `why` (ui.reviewing.with_trust)."""
    parts = [getattr(row, "trust", None), getattr(row, "why", None)]
    return " · ".join(_html_safe(p) for p in parts if _given(p) and str(p))


def timeline_chart(df: pd.DataFrame, title: str = "Positions over time") -> go.Figure:
    """One row per actor (most active at the top), a dot per position coloured by stance; hover shows the
    sentence. A position dated only to a month or a year is drawn hollow in the middle of that period, not as
    a day at its start."""
    actors = [_html_safe(a) for a in df["actor"].value_counts().index]
    fig = _figure(title, xaxis_title=None, height=max(320, 60 + 28 * len(actors)),
                  yaxis=dict(categoryorder="array", categoryarray=actors[::-1], title=None))
    x = _drawn_at(df["date"])
    precision = date_precisions(df["date"])
    for stance in _stances_in(df):
        mask = (df["stance"] == stance).to_numpy()
        part, exact = df[mask], (precision[mask] == "day").to_numpy()
        colour = stance_color(stance)
        fig.add_scatter(x=x[mask], y=part["actor"].map(_html_safe), mode="markers", name=stance,
                        marker=dict(color=colour, size=[9 if e else 11 for e in exact],
                                    symbol=[_PRECISION_SYMBOL.get(p, "circle") for p in precision[mask]],
                                    opacity=[0.8 if e else 0.6 for e in exact],
                                    line=dict(width=[0.5 if e else 2 for e in exact],
                                              color=["white" if e else colour for e in exact])),
                        text=hover_text(part), hovertemplate="%{text}<extra></extra>")
    focus = _points_range(x, precision)
    if focus:
        fig.update_xaxes(range=focus)
    return fig


def _points_range(x: pd.Series, precision: pd.Series) -> list[pd.Timestamp] | None:
    """The first view's x range: the days and months, without far older outliers (focus_range); a position
    dated only to a year, drawn mid-year, does not stretch it (double-click shows everything)."""
    exact = x[(precision != "year").to_numpy()].dropna()
    if exact.empty:
        return focus_range(x)
    focus = focus_range(exact)
    if focus or (x.min() >= exact.min() and x.max() <= exact.max()):
        return focus
    pad = max((exact.max() - exact.min()) * 0.03, pd.Timedelta(days=5))
    return [exact.min() - pad, exact.max() + pad]


TIMELINE_DENSE_AT = 1000  # more dots than this overlap on a plot about 1,000 pixels wide: draw counts instead
HIDDEN_MAX = 0.5          # ...and so do fewer, when more than half of them would sit on another dot
SLOTS = 200               # a dot (9 px) covers about 1/200 of the plot's width


def timeline_view(rows: pd.DataFrame, asked: str = "auto") -> str:
    """"points" or "counts": what the user asked for, or (auto) counts once the dots would hide one another."""
    if asked in ("points", "counts"):
        return asked
    return "counts" if len(rows) > TIMELINE_DENSE_AT or hidden_share(rows) > HIDDEN_MAX else "points"


def hidden_share(rows: pd.DataFrame) -> float:
    """The share of positions whose dot would fall on another's: same actor, same 1/SLOTS of the dates' span."""
    if rows.empty:
        return 0.0
    x = _drawn_at(rows["date"]).dropna()
    span = max((x.max() - x.min()) / SLOTS, pd.Timedelta(days=1)) if len(x) else pd.Timedelta(days=1)
    slot = ((x - x.min()) // span).astype("int64")
    distinct = len(pd.DataFrame({"actor": rows.loc[x.index, "actor"], "slot": slot}).drop_duplicates())
    return 1 - distinct / len(rows)


def _drawn_at(dates: pd.Series) -> pd.Series:
    """Where a date is drawn: a day on its day, a month or a year in its middle."""
    offset = date_precisions(dates).map(_HALF_PERIOD).fillna(pd.Timedelta(0)).astype("timedelta64[ns]")
    return date_values(dates) + offset


# light blue to dark, most of the change at low counts (skewed counts: a cell of 1 must still show)
_COUNT_SCALE = [[0, "#c6dbef"], [0.1, "#6baed6"], [0.4, "#2171b5"], [1, "#08306b"]]
_HALF_PERIOD = {"month": pd.Timedelta(days=15), "year": pd.Timedelta(days=182)}
_PRECISION_SYMBOL = {"day": "circle", "month": "circle-open", "year": "diamond-open"}
PERIOD_WORDS = {"W": "week", "M": "month"}


def timeline_heatmap(counts: pd.DataFrame, actors: list[str], freq: str,
                     title: str = "Positions per actor and week") -> go.Figure:
    """Counts per actor (rows, `actors` order from the top) and week or month (input: views.timeline_counts),
    every period between the first and the last a column of its own; the stances of a cell on hover."""
    fig = _figure(title, xaxis_title=None, height=max(320, 90 + 26 * len(actors)),
                  yaxis=dict(title=None, autorange="reversed", type="category"))
    if counts.empty:
        return fig
    step = "W-MON" if freq == "W" else "MS"
    periods = pd.date_range(counts["period"].min(), counts["period"].max(), freq=step)
    z = counts.pivot(index="actor", columns="period", values="count").reindex(index=actors, columns=periods)
    parts = counts.pivot(index="actor", columns="period", values="stances").reindex(index=actors, columns=periods)
    label = [f"week of {p:%d %b %Y}" if freq == "W" else f"{p:%B %Y}" for p in periods]
    half = pd.Timedelta(days=3.5) if freq == "W" else pd.Timedelta(days=15)
    fig.add_heatmap(x=periods + half, y=[_html_safe(a) for a in actors],
                    z=[[None if pd.isna(v) else int(v) for v in row] for row in z.to_numpy()],
                    text=parts.astype(object).where(parts.notna(), "").to_numpy().tolist(), customdata=[label] * len(actors),
                    colorscale=_COUNT_SCALE, zmin=0, xgap=1, ygap=1, colorbar=dict(title="positions"),
                    hovertemplate="%{y} · %{customdata}: %{z} positions<br>%{text}<extra></extra>")
    focus = focus_range(counts["period"], counts["count"])
    if focus:
        fig.update_xaxes(range=focus)
    return fig


def ledger_chart(ledger: pd.DataFrame, title: str = "Actor × issue ledger") -> go.Figure:
    """A cell per actor and issue: square sized by count, coloured by the latest stance, count written in.
    Issues in words along the top (where a tall ledger is read from), the most active actors first."""
    actors = (ledger.groupby("actor")["count"].sum().sort_values(ascending=False, kind="stable").index.tolist()
              if len(ledger) else [])
    fig = _figure(title, height=max(320, 120 + 30 * len(actors)), margin=dict(l=10, r=10, t=130, b=10),
                  xaxis=dict(title=None, tickangle=-30, side="top", categoryorder="array",
                             categoryarray=_safe_labels(issue_label(i) for i in ISSUES)),
                  yaxis=dict(title=None, categoryorder="array", categoryarray=_safe_labels(actors[::-1])))
    biggest = max(int(ledger["count"].max()), 1) if len(ledger) else 1
    for stance in _stances_in(ledger.rename(columns={"latest_stance": "stance"})):
        part = ledger[ledger["latest_stance"] == stance]
        sizes = [14 + 26 * math.sqrt(c / biggest) for c in part["count"]]
        fig.add_scatter(x=_safe_labels(issue_labels(part["issue"])), y=_safe_labels(part["actor"]),
                        mode="markers+text", name=stance,
                        marker=dict(symbol="square", color=stance_color(stance), size=sizes),
                        text=part["count"].astype(str), textposition="middle center",
                        textfont=dict(color=text_color(stance), size=11),
                        customdata=part[["latest_date"]].astype(str).to_numpy(),
                        hovertemplate="%{y} on %{x}: %{text} positions<br>latest: " + stance
                        + " (%{customdata[0]})<extra></extra>")
    fig.update_layout(legend_title_text="latest stance")
    return fig


MAX_EDGES = 80  # more lines than this make a hairball: the matrix under the graph holds every link


def network_chart(edges: pd.DataFrame, title: str = "Who addresses whom", max_edges: int = MAX_EDGES) -> go.Figure:
    """Actors on a circle, each named outside it; a line actor → target per stance, as wide as its count,
    ending in an arrowhead at the target (input: views.network_edges)."""
    edges = edges.head(max_edges)
    fig = _figure(title, height=640, showlegend=True,
                  xaxis=dict(visible=False, range=[-2.0, 2.0]), yaxis=dict(visible=False, range=[-1.3, 1.3],
                                                                        scaleanchor="x"))
    if edges.empty:
        return fig
    weight = pd.concat([edges.groupby("actor")["count"].sum(), edges.groupby("target")["count"].sum()]).groupby(level=0).sum()
    names = weight.sort_values(ascending=False).index.tolist()
    where = _circle(names)
    size = {n: 10 + 20 * math.sqrt(weight[n] / weight.max()) for n in names}
    biggest = max(int(edges["count"].max()), 1)
    arrows = []
    for stance in _stances_in(edges):
        arrows += _add_edges(fig, edges[edges["stance"] == stance], where, stance, biggest, size)
    fig.update_layout(annotations=arrows)  # at once: add_annotation one by one costs ~10 ms each
    xs, ys = zip(*(where[n] for n in names), strict=True)
    fig.add_scatter(x=xs, y=ys, mode="markers+text", text=[_html_safe(n) for n in names], name="actors",
                    textposition=[_outside(*where[n]) for n in names], textfont=dict(size=13),
                    marker=dict(size=[size[n] for n in names], color=STANCE_COLORS["assertion"],
                                line=dict(width=1, color="white")),
                    customdata=[int(weight[n]) for n in names], showlegend=False,
                    hovertemplate="%{text}: %{customdata} positions addressed or received<extra></extra>")
    return fig


def _outside(x: float, y: float) -> str:
    """The text position that puts a node's label outside the circle, away from the edges inside it."""
    if x > 0.35:
        return "middle right"
    if x < -0.35:
        return "middle left"
    return "top center" if y > 0 else "bottom center"


WIDTH_LEVELS = 4  # edges are drawn in a few width classes: one trace per stance and class keeps the chart fast
ARROW_PX = 42     # length of an arrow's drawn shaft, in pixels before the target's edge


def _add_edges(fig: go.Figure, part: pd.DataFrame, where: dict, stance: str, biggest: int, size: dict) -> list[dict]:
    """Edges of one stance, as few traces as widths; each bends by a stance-specific offset so parallel
    edges of different stances stay apart. Returns their arrowheads: annotations (drawn above every trace),
    each stopping at the target's edge (`standoff`), so the direction shows whatever lies beneath."""
    arrows = []
    bend = 0.06 * (STANCES.index(stance) - 4)
    level = ((part["count"] / biggest) * WIDTH_LEVELS).clip(lower=1).round().astype(int)
    for i, lv in enumerate(sorted(level.unique(), reverse=True)):
        xs, ys, text = [], [], []
        for row in part[level == lv].itertuples(index=False):
            (x0, y0), (x1, y1) = where[row.actor], where[row.target]
            mx, my = (x0 + x1) / 2 - bend * (y1 - y0), (y0 + y1) / 2 + bend * (x1 - x0)
            label = f"{_html_safe(row.actor)} → {_html_safe(row.target)}: {stance} × {row.count}"
            xs += [x0, mx, x1, None]
            ys += [y0, my, y1, None]
            text += [label, label, label, None]
            arrows.append(_arrowhead((mx, my), (x1, y1), stance, size[row.target]))
        width = 1 + 7 * lv / WIDTH_LEVELS
        fig.add_scatter(x=xs, y=ys, mode="lines", name=stance, legendgroup=stance, showlegend=i == 0,
                        line=dict(color=stance_color(stance), width=width, shape="spline"), opacity=0.75,
                        text=text, hovertemplate="%{text}<extra></extra>", connectgaps=False)
    return arrows


def _arrowhead(before: tuple[float, float], head: tuple[float, float], stance: str, node_px: float) -> dict:
    """An arrow annotation pointing at `head` from the direction of `before` (the curve's bend)."""
    dx, dy = head[0] - before[0], head[1] - before[1]
    norm = max(math.hypot(dx, dy), 1e-9)
    length = ARROW_PX + node_px / 2
    # ax/ay are pixel offsets of the tail from the head; screen y grows downwards
    return dict(x=head[0], y=head[1], ax=-dx / norm * length, ay=dy / norm * length, xref="x", yref="y",
                showarrow=True, arrowhead=2, arrowsize=1.3, arrowwidth=2, arrowcolor=stance_color(stance),
                standoff=node_px / 2 + 1, text="")


def _circle(names: list[str]) -> dict[str, tuple[float, float]]:
    """Places on a circle for `names` (heaviest first), the heaviest spread apart: the i-th name takes
    slot i × step (mod n), step ≈ n/φ and prime to n, so the main actors and their labels do not crowd."""
    n = max(len(names), 1)
    step = next((s for s in range(round(n / 1.618), n) if math.gcd(s, n) == 1), 1)
    slots = [(i * step) % n for i in range(len(names))]
    return {name: (math.cos(math.pi / 2 - 2 * math.pi * k / n), math.sin(math.pi / 2 - 2 * math.pi * k / n))
            for name, k in zip(names, slots, strict=True)}


def _given(value) -> bool:
    return value is not None and value is not pd.NA and not (isinstance(value, float) and math.isnan(value))


def _html_safe(value) -> str:
    """Plotly renders a subset of HTML in hovers: escape what the text brings in."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _safe_labels(values) -> list:
    """Axis labels and categories that come from the data (actors, targets, sides, unknown issue codes) with
    their HTML escaped, as every label a chart draws: plotly renders <b>, <i>, <a href> and the like in tick
    labels and hovers. A missing value stays missing (an empty label, as before)."""
    return [_html_safe(v) if _given(v) else None for v in values]


def negotiation_chart(moves: pd.DataFrame, title: str = "Moves over time") -> go.Figure:
    """The board's two lanes: side A above side B, a dot per move coloured by stance, the sentence on hover
    (input: core.analysis.negotiation.board)."""
    lanes = list(dict.fromkeys(moves.sort_values("lane", kind="stable")["side"])) if len(moves) else []
    fig = _figure(title, xaxis_title=None, height=260,
                  yaxis=dict(categoryorder="array", categoryarray=_safe_labels(lanes[::-1]), title=None))
    when = date_values(moves["date"]) if len(moves) else pd.Series(dtype="datetime64[ns]")
    for stance in _stances_in(moves):
        mask = (moves["stance"] == stance).to_numpy()
        part = moves[mask]
        fig.add_scatter(x=when[mask], y=_safe_labels(part["side"]), mode="markers", name=stance,
                        marker=dict(color=stance_color(stance), size=11, opacity=0.85,
                                    line=dict(width=0.5, color="white")),
                        text=hover_text(part), hovertemplate="%{text}<extra></extra>")
    return fig


def matrix_chart(table: pd.DataFrame, stance: str | None = None, title: str = "Actor × target") -> go.Figure:
    """A cell per actor (row) and target (column), its count written in, shaded in the stance's colour
    (input: views.actor_target_matrix); empty cells left blank."""
    fig = _figure(title, height=max(300, 150 + 28 * len(table.index)), margin=dict(l=10, r=10, t=140, b=10),
                  xaxis=dict(title=None, side="top", tickangle=-30, type="category"),
                  yaxis=dict(title=None, autorange="reversed", type="category"))
    if table.empty:
        return fig
    z = table.astype(object).where(table > 0, None)
    what = stance or "positions of any stance"
    fig.add_heatmap(x=[_html_safe(t) for t in table.columns], y=[_html_safe(a) for a in table.index],
                    z=z.to_numpy().tolist(), texttemplate="%{z}", zmin=0, xgap=2, ygap=2, showscale=False,
                    colorscale=[[0, stance_rgba(stance, 0.2)], [1, stance_color(stance)]],
                    hovertemplate=f"%{{y}} → %{{x}}: %{{z}} × {what}<extra></extra>")
    return fig


def captioned(fig: go.Figure, sentence: str) -> go.Figure:
    """A copy of `fig` with the view's sentence ("Showing 42 positions: …") as its subtitle, so an image
    exported from the chart says what it shows. The figure itself may be cached and shared: it is not changed."""
    # a copy through a dict without validation: go.Figure(fig) checks every point again (0.1 s at 1,000 points)
    out = go.Figure(fig.to_dict(), _validate=False)
    lines = wrap(_html_safe(" ".join(str(sentence).split())), max_chars=400)
    top = fig.layout.margin.t if fig.layout.margin.t is not None else 40
    out.update_layout(title=dict(subtitle=dict(text=lines), automargin=True),
                      margin=dict(t=top + 18 * (lines.count("<br>") + 1)))
    return out


# What the mode bar's camera button can download, drawn by plotly.js in the browser (no server-side renderer).
# One format per chart: a second button would need a JavaScript click handler, and st.plotly_chart sends
# its config as JSON, so the page chooses the camera's format instead (ui.share, `?_image=svg`).
IMAGE_FORMATS = ("png", "svg")


def export_config(stem: str, image_format: str = "png") -> dict:
    """Plotly's mode bar: the exported image is named after the view (core.filters.file_stem), a PNG at twice
    the screen's resolution or an SVG (vector: it scales by itself)."""
    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"image format {image_format!r}: the chart toolbar exports {' or '.join(IMAGE_FORMATS)}")
    scale = {"scale": 2} if image_format == "png" else {}
    return {"toImageButtonOptions": {"filename": stem, "format": image_format, **scale}, "displaylogo": False}


WEEK_MS = 7 * 24 * 3600 * 1000


def negotiation_counts_chart(counts: pd.DataFrame, title: str = "Moves per week") -> go.Figure:
    """The board's two lanes when dense: bars of moves per week, side A above the line and side B below it,
    stacked by stance; each bar's hover gives its count and the side's moves that week (input:
    core.analysis.negotiation.weekly_counts). A bar per week and stance, not a dot per move: the chart stays small
    however many moves the board holds."""
    sides = dict(zip(counts["lane"], counts["side"], strict=False)) if len(counts) else {}
    fig = _figure(title, barmode="relative", xaxis_title=None, height=320, bargap=0.1,
                  yaxis=dict(title=_html_safe(f"moves per week: {sides.get('A', 'side A')} ↑ · "
                                              f"{sides.get('B', 'side B')} ↓"), zeroline=True))
    for stance in _stances_in(counts):
        for lane in ("A", "B"):
            part = counts[(counts["stance"] == stance) & (counts["lane"] == lane)]
            if part.empty:
                continue
            side = _html_safe(sides[lane])
            heights = (part["count"] if lane == "A" else -part["count"]).tolist()   # plain numbers: few bars
            fig.add_bar(x=part["week"], y=heights, name=stance,
                        legendgroup=stance, showlegend=not any(t.name == stance for t in fig.data),
                        marker_color=stance_color(stance), xperiod=WEEK_MS, xperiod0="2000-01-03",
                        xperiodalignment="start", customdata=part[["count", "total"]].to_numpy().tolist(),
                        hovertemplate=f"<b>{side}</b>, week of %{{x|%d %b %Y}}<br>{stance}: %{{customdata[0]}} of "
                        "%{customdata[1]} moves<extra></extra>")
    _mirror_ticks(fig, counts)
    focus = focus_range(counts["week"], counts["count"]) if len(counts) else None
    if focus:
        fig.update_xaxes(range=focus)
    return fig


def _mirror_ticks(fig: go.Figure, counts: pd.DataFrame) -> None:
    """Side B's bars point down: label the axis with counts, not negative numbers."""
    if counts.empty:
        return
    top = int(counts.groupby(["week", "lane"])["count"].sum().max())
    step = max(1, 10 ** int(math.log10(top)) if top >= 10 else 1)
    while top / step > 4:
        step *= 2
    ticks = list(range(0, top + 1, step))
    values = sorted({-t for t in ticks} | set(ticks))
    fig.update_yaxes(tickvals=values, ticktext=[str(abs(v)) for v in values])
