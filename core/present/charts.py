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

from core.analysis.views import date_values
from core.present.colors import STANCE_COLORS, stance_color, text_color
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
    fig.add_bar(y=counts["stance"], x=counts["count"], orientation="h",
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
    fig.add_bar(y=counts[label], x=counts["count"], orientation="h", marker_color=stance_color(stance),
                hovertemplate="%{y}: %{x}<extra></extra>")
    return _shared_scale(fig, value_max)


def issue_stance_chart(issues: pd.DataFrame, title: str = "Issues", value_max: float | None = None) -> go.Figure:
    """Stacked horizontal bars: issue × stance counts (input: views.actor_profile()['issues']), issues in words."""
    fig = _figure(title, barmode="stack", xaxis_title="positions",
                  height=max(bar_height(issues["issue"].nunique()), 60 + 22 * len(_stances_in(issues))))
    for stance in _stances_in(issues):
        part = issues[issues["stance"] == stance]
        fig.add_bar(y=issue_labels(part["issue"]), x=part["count"], orientation="h", name=stance,
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
        meta.append(f"{issue_label(row.issue)} · {row.date}")
        trust = _trust_line(row)
        out.append("<br>".join(meta) + "<br>" + sentence + (f"<br><i>{trust}</i>" if trust else ""))
    return out


def _trust_line(row) -> str:
    """`likely · cue "demanded" · rule demand.verb` when the rows carry `trust` and `why` (ui.reviewing.with_trust)."""
    parts = [getattr(row, "trust", None), getattr(row, "why", None)]
    return " · ".join(_html_safe(p) for p in parts if _given(p) and str(p))


def timeline_chart(df: pd.DataFrame, title: str = "Positions over time") -> go.Figure:
    """One row per actor, a dot per position coloured by stance; hover shows the sentence. Zoomable."""
    actors = df["actor"].value_counts().index.tolist()
    fig = _figure(title, xaxis_title=None, height=max(320, 60 + 28 * len(actors)),
                  yaxis=dict(categoryorder="array", categoryarray=actors[::-1], title=None))
    when = date_values(df["date"])
    for stance in _stances_in(df):
        mask = (df["stance"] == stance).to_numpy()
        part = df[mask]
        fig.add_scatter(x=when[mask], y=part["actor"], mode="markers", name=stance,
                        marker=dict(color=stance_color(stance), size=9, opacity=0.8, line=dict(width=0.5, color="white")),
                        text=hover_text(part), hovertemplate="%{text}<extra></extra>")
    focus = focus_range(when)
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
                             categoryarray=[issue_label(i) for i in ISSUES]),
                  yaxis=dict(title=None, categoryorder="array", categoryarray=actors[::-1]))
    biggest = max(int(ledger["count"].max()), 1) if len(ledger) else 1
    for stance in _stances_in(ledger.rename(columns={"latest_stance": "stance"})):
        part = ledger[ledger["latest_stance"] == stance]
        sizes = [14 + 26 * math.sqrt(c / biggest) for c in part["count"]]
        fig.add_scatter(x=issue_labels(part["issue"]), y=part["actor"], mode="markers+text", name=stance,
                        marker=dict(symbol="square", color=stance_color(stance), size=sizes),
                        text=part["count"].astype(str), textposition="middle center",
                        textfont=dict(color=text_color(stance), size=11),
                        customdata=part[["latest_date"]].astype(str).to_numpy(),
                        hovertemplate="%{y} on %{x}: %{text} positions<br>latest: " + stance
                        + " (%{customdata[0]})<extra></extra>")
    fig.update_layout(legend_title_text="latest stance")
    return fig


def network_chart(edges: pd.DataFrame, title: str = "Who addresses whom", max_edges: int = 150) -> go.Figure:
    """Actors on a circle; an arrow actor → target per stance, its width by count (input: views.network_edges)."""
    edges = edges.head(max_edges)
    fig = _figure(title, height=620, showlegend=True,
                  xaxis=dict(visible=False, range=[-1.35, 1.35]), yaxis=dict(visible=False, range=[-1.25, 1.25],
                                                                          scaleanchor="x"))
    if edges.empty:
        return fig
    weight = pd.concat([edges.groupby("actor")["count"].sum(), edges.groupby("target")["count"].sum()]).groupby(level=0).sum()
    names = weight.sort_values(ascending=False).index.tolist()
    where = _circle(names)
    biggest = max(int(edges["count"].max()), 1)
    for stance in _stances_in(edges):
        _add_edges(fig, edges[edges["stance"] == stance], where, stance, biggest)
    xs, ys = zip(*(where[n] for n in names), strict=True)
    fig.add_scatter(x=xs, y=ys, mode="markers+text", text=names, textposition="top center", name="actors",
                    marker=dict(size=[10 + 20 * math.sqrt(weight[n] / weight.max()) for n in names],
                                color=STANCE_COLORS["assertion"], line=dict(width=1, color="white")),
                    customdata=[int(weight[n]) for n in names], showlegend=False,
                    hovertemplate="%{text}: %{customdata} positions addressed or received<extra></extra>")
    return fig


WIDTH_LEVELS = 4  # edges are drawn in a few width classes: one trace per stance and class keeps the chart fast


def _add_edges(fig: go.Figure, part: pd.DataFrame, where: dict, stance: str, biggest: int) -> None:
    """Edges of one stance, as few traces as widths; each bends by a stance-specific offset so parallel
    edges of different stances stay apart, and ends in an arrowhead pointing at the target."""
    bend = 0.06 * (STANCES.index(stance) - 4)
    level = ((part["count"] / biggest) * WIDTH_LEVELS).clip(lower=1).round().astype(int)
    for i, lv in enumerate(sorted(level.unique(), reverse=True)):
        xs, ys, text, sizes = [], [], [], []
        for row in part[level == lv].itertuples(index=False):
            (x0, y0), (x1, y1) = where[row.actor], where[row.target]
            mx, my = (x0 + x1) / 2 - bend * (y1 - y0), (y0 + y1) / 2 + bend * (x1 - x0)
            # stop short of the node so the arrowhead stays visible beside it
            ex, ey = x1 - 0.06 * (x1 - mx) / max(abs(x1 - mx) + abs(y1 - my), 1e-9), y1 - 0.06 * (y1 - my) / max(abs(x1 - mx) + abs(y1 - my), 1e-9)
            label = f"{_html_safe(row.actor)} → {_html_safe(row.target)}: {stance} × {row.count}"
            xs += [x0, mx, ex, None]
            ys += [y0, my, ey, None]
            text += [label, label, label, None]
            sizes += [0, 0, 8 + 2 * lv, 0]
        width = 1 + 7 * lv / WIDTH_LEVELS
        fig.add_scatter(x=xs, y=ys, mode="lines+markers", name=stance, legendgroup=stance, showlegend=i == 0,
                        line=dict(color=stance_color(stance), width=width, shape="spline"), opacity=0.75,
                        marker=dict(symbol="arrow", angleref="previous", size=sizes, color=stance_color(stance)),
                        text=text, hovertemplate="%{text}<extra></extra>", connectgaps=False)


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


def negotiation_chart(moves: pd.DataFrame, title: str = "Moves over time") -> go.Figure:
    """The board's two lanes: side A above side B, a dot per move coloured by stance, the sentence on hover
    (input: core.analysis.negotiation.board)."""
    lanes = list(dict.fromkeys(moves.sort_values("lane", kind="stable")["side"])) if len(moves) else []
    fig = _figure(title, xaxis_title=None, height=260,
                  yaxis=dict(categoryorder="array", categoryarray=lanes[::-1], title=None))
    when = date_values(moves["date"]) if len(moves) else pd.Series(dtype="datetime64[ns]")
    for stance in _stances_in(moves):
        mask = (moves["stance"] == stance).to_numpy()
        part = moves[mask]
        fig.add_scatter(x=when[mask], y=part["side"], mode="markers", name=stance,
                        marker=dict(color=stance_color(stance), size=11, opacity=0.85,
                                    line=dict(width=0.5, color="white")),
                        text=hover_text(part), hovertemplate="%{text}<extra></extra>")
    return fig


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
