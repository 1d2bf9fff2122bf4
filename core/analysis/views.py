"""Pure data shaping for the dashboard's views: DataFrame of positions in, small DataFrames out.

Every function takes the filtered rows the store returned (positions plus the
article's title/outlet/url/published) and never touches Streamlit or the database.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.schema import ISSUES, STANCES

ANSWERS = ("concession", "rejection", "dialogue")


def date_values(dates: pd.Series) -> pd.Series:
    """`2021-12` and `2021` become the first day of that month or year, so any precision can be plotted."""
    s = dates.astype("string").fillna("")
    padded = s.where(s.str.len() != 7, s + "-01").where(s.str.len() != 4, s + "-01-01")
    return pd.to_datetime(padded, format="%Y-%m-%d", errors="coerce")


def by_date(df: pd.DataFrame, *, newest_first: bool = True) -> pd.DataFrame:
    """Rows sorted by statement date; rows of the same date keep the order they came in (the store
    gives article, then place in the article). Rows without a date go last."""
    if df.empty:
        return df.reset_index(drop=True)
    return df.iloc[_date_order(df, newest_first)].reset_index(drop=True)


def _date_order(df: pd.DataFrame, newest_first: bool) -> np.ndarray:
    # Integer ranks of the date strings (ISO strings sort in time order; -1 for a missing date):
    # an argsort of integers is many times faster than sorting 100,000 strings on three keys.
    codes, _ = pd.factorize(df["date"], sort=True)
    key = np.where(codes < 0, np.iinfo(np.int64).max, -codes if newest_first else codes)
    return np.argsort(key, kind="stable")


def most_recent(df: pd.DataFrame, n: int) -> pd.DataFrame:
    """The n newest rows, newest first (only those n are taken out of the frame: at 100,000 rows,
    moving every row of every column cost more than the sort)."""
    if df.empty:
        return df.reset_index(drop=True)
    return df.iloc[newest_order(df)[:n]].reset_index(drop=True)


def newest_order(df: pd.DataFrame) -> np.ndarray:
    """The rows' positions, newest first (undated last; ties in the frame's order): a page of a long table is
    `df.iloc[order[start:stop]]`, without sorting or moving the other rows."""
    return _date_order(df, True) if len(df) else np.arange(0)


def glance(df: pd.DataFrame) -> dict:
    """Counts for the overview: articles, positions, actors, outlets, and the span of statement dates."""
    dates = df["date"].dropna() if "date" in df else pd.Series(dtype="string")
    return {
        "articles": int(df["article_id"].nunique()) if len(df) else 0,
        "positions": len(df),
        "actors": int(df["actor"].nunique()) if len(df) else 0,
        "outlets": int(df["outlet"].nunique()) if "outlet" in df and len(df) else 0,
        "first": str(dates.min()) if len(dates) else None,
        "last": str(dates.max()) if len(dates) else None,
    }


def stance_mix(df: pd.DataFrame, freq: str = "M") -> pd.DataFrame:
    """Positions per period and stance: columns period (Timestamp), stance, count."""
    if df.empty:
        return pd.DataFrame({"period": pd.Series(dtype="datetime64[ns]"), "stance": pd.Series(dtype="string"),
                             "count": pd.Series(dtype="int64")})
    when = date_values(df["date"]).dt.to_period(freq).dt.to_timestamp()
    out = (pd.DataFrame({"period": when, "stance": df["stance"]}).dropna()
           .groupby(["period", "stance"], observed=True).size().rename("count").reset_index())
    return out.sort_values(["period", "stance"], kind="stable").reset_index(drop=True)


def stance_counts(df: pd.DataFrame) -> pd.DataFrame:
    """stance, count in the palette's fixed stance order (stances with no rows left out)."""
    counts = df["stance"].value_counts()
    return pd.DataFrame([(s, int(counts[s])) for s in STANCES if s in counts], columns=["stance", "count"])


def latest(df: pd.DataFrame, stances: tuple[str, ...], n: int = 10) -> pd.DataFrame:
    return by_date(df[df["stance"].isin(stances)]).head(n)


def latest_statements(df: pd.DataFrame, stances: tuple[str, ...], n: int = 10) -> pd.DataFrame:
    """The n newest *statements* of these stances, newest first: reports of one statement (core.analysis.grouping)
    count once, with `n_reports` and `outlets` (the outlets that carried it). Only the newest reports are
    grouped (10 per statement asked for): a statement's reports lie within days of each other."""
    from core.analysis.grouping import statements

    candidates = most_recent(df[df["stance"].isin(stances)], max(n, 1) * 10)
    if candidates.empty:
        return candidates.assign(n_reports=pd.Series(dtype="Int64"), outlets=None)
    return most_recent(statements(candidates, lists=("outlets",)), n)


def article_list(listed: pd.DataFrame, df: pd.DataFrame, *, include_empty: bool = False) -> pd.DataFrame:
    """The one definition of "the articles shown", for every page that counts or lists them: the articles
    holding at least one of the positions shown (reviews applied), `n_positions` counted from those rows;
    with `include_empty` (no filter narrows the view) the articles without any position too, at 0.
    `listed` is the store's article list (article_id, title, outlet, published…)."""
    counts = df["article_id"].value_counts() if len(df) else pd.Series(dtype="int64")
    # map, not isin: isin against an index of pandas strings costs ~16 ms at 100,000 positions, map ~1 ms
    n = listed["article_id"].map(counts)
    out = listed[n.notna() | include_empty].copy()
    out["n_positions"] = n[out.index].fillna(0).astype("int64")
    return out.reset_index(drop=True)


def titles_matching(listed: pd.DataFrame, search: str | None) -> pd.DataFrame:
    """The articles of `listed` (article_list's frame) whose title or id holds every word of `search`, in
    any case, in the list's order; all of them when the search is blank. The Articles picker lists the
    first few of these: a person finds an article among thousands by typing, not by scrolling."""
    words = str(search or "").lower().split()
    if not words or listed.empty:
        return listed
    haystack = (listed["title"].astype("string").fillna("") + " " + listed["article_id"].astype("string")).str.lower()
    keep = np.ones(len(listed), dtype=bool)
    for word in words:
        keep &= haystack.str.contains(word, regex=False).to_numpy(dtype=bool)
    return listed[keep].reset_index(drop=True)


def ledger(df: pd.DataFrame) -> pd.DataFrame:
    """Actor × issue: number of positions and the latest stance per cell (its date too)."""
    cols = ["actor", "issue", "count", "latest_stance", "latest_date"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    ordered = by_date(df[["actor", "issue", "stance", "date"]])   # sorting every column cost ~0.35 s at 100,000
    counts = df.groupby(["actor", "issue"], observed=True).size().rename("count")
    last = ordered.drop_duplicates(["actor", "issue"]).set_index(["actor", "issue"])[["stance", "date"]]
    out = counts.to_frame().join(last).reset_index()
    out = out.rename(columns={"stance": "latest_stance", "date": "latest_date"})
    return out[cols].sort_values(["actor", "issue"]).reset_index(drop=True)


def issues_present(df: pd.DataFrame) -> list[str]:
    """The issues these rows touch, in the contract's order."""
    found = set(df["issue"].dropna().unique())
    return [i for i in ISSUES if i in found]


def main_sides(df: pd.DataFrame, issue: str, n: int = 2) -> list[str]:
    """The actors with the most positions on this issue, most first: the default sides to compare."""
    return df.loc[df["issue"] == issue, "actor"].value_counts().head(n).index.tolist()


def negotiation_space(df: pd.DataFrame, issue: str, side_a: str, side_b: str) -> pd.DataFrame:
    """On one issue, each side's demands next to the other side's answers (concessions, rejections,
    offers to talk), in time order. Column `move` says which: "A demands" or "B answers"."""
    rows = df[(df["issue"] == issue) & df["actor"].isin([side_a, side_b])]
    demands = rows[rows["stance"] == "demand"].assign(move=lambda d: d["actor"] + " demands")
    answers = rows[rows["stance"].isin(ANSWERS)].assign(move=lambda d: d["actor"] + " answers")
    return by_date(pd.concat([demands, answers]), newest_first=False)


def actor_profile(df: pd.DataFrame, actor: str) -> dict[str, pd.DataFrame]:
    """One actor's positions cut four ways: by stance, by target (for its demands), by issue, by speaker."""
    mine = df["actor"] == actor
    own = df if mine.all() else df[mine]   # a frame of this actor's rows alone is not copied again
    return {
        "rows": own,
        "stances": stance_counts(own),
        "demands_of": _count(own.loc[own["stance"] == "demand", ["target"]], "target"),   # one column taken, not all
        "issues": own.groupby(["issue", "stance"], observed=True).size().rename("count").reset_index(),
        "speakers": _count(own, "speaker"),
    }


def profile_scale(df: pd.DataFrame, actors: list[str]) -> dict[str, int]:
    """The largest bar each profile chart draws for any of these actors, so profiles side by side share one
    count scale: {"stances", "demands_of", "issues", "time"} -> the biggest count (stacked bars summed)."""
    out = {"stances": 0, "demands_of": 0, "issues": 0, "time": 0}
    for actor in actors:
        p = actor_profile(df, actor)
        mix = stance_mix(p["rows"])
        out["stances"] = max(out["stances"], int(p["stances"]["count"].max()) if len(p["stances"]) else 0)
        out["demands_of"] = max(out["demands_of"], int(p["demands_of"]["count"].max()) if len(p["demands_of"]) else 0)
        by_issue = p["issues"].groupby("issue", observed=True)["count"].sum()
        out["issues"] = max(out["issues"], int(by_issue.max()) if len(by_issue) else 0)
        by_period = mix.groupby("period")["count"].sum()
        out["time"] = max(out["time"], int(by_period.max()) if len(by_period) else 0)
    return out


def network_edges(df: pd.DataFrame) -> pd.DataFrame:
    """Who addresses whom: actor → target per stance with the number of positions (no self-loops)."""
    rows = df[["actor", "target", "stance"]].dropna(subset=["target"])   # filtering every column cost ~0.5 s at 100,000
    rows = rows[rows["actor"] != rows["target"]]
    out = rows.groupby(["actor", "target", "stance"], observed=True).size().rename("count").reset_index()
    return out.sort_values(["count", "actor", "target"], ascending=[False, True, True]).reset_index(drop=True)


def known_values(facets: dict, name: str) -> list[str]:
    """The values one facet of the store offers, whether it gives a list, a dict or (value, count) pairs."""
    raw = facets.get(name) or []
    if isinstance(raw, dict):
        return [str(k) for k in raw]
    if isinstance(raw, pd.DataFrame):
        return [str(v) for v in raw.iloc[:, 0]]
    return [str(v[0]) if isinstance(v, (tuple, list)) else str(v) for v in raw]


def _count(df: pd.DataFrame, col: str) -> pd.DataFrame:
    vals = df[col].dropna()
    counts = vals.value_counts()
    return pd.DataFrame({col: counts.index.astype(str), "count": counts.values.astype(int)})


COMPARED_FIELDS = ("speaker", "quote", "date", "confidence")


def statement_reports(df: pd.DataFrame, position_id: str) -> pd.DataFrame:
    """Every report of the statement this position belongs to (core.analysis.grouping), one per row, earliest
    published first: how each outlet carried the same statement.

    Added columns: `wording` (0-100, how close each report's words are to the first report's) and
    `differs` (the fields among COMPARED_FIELDS whose value is not the first report's). Empty when the
    position is not among the rows."""
    from core.analysis.grouping import KEY_COLUMNS, assign_statements, similarity

    hit = df[df["position_id"] == position_id] if "position_id" in df.columns else df.iloc[0:0]
    if hit.empty:
        return hit.assign(wording=pd.Series(dtype="float64"), differs=None)
    first = hit.iloc[0]
    same = np.ones(len(df), dtype=bool)
    for col in KEY_COLUMNS:   # single-link groups never cross these columns: group only this bucket
        values = df[col].astype("string").fillna("")
        same &= (values == ("" if pd.isna(first[col]) else str(first[col]))).to_numpy()
    bucket = assign_statements(df[same])
    sid = bucket.loc[bucket["position_id"] == position_id, "statement_id"].iloc[0]
    reports = bucket[bucket["statement_id"] == sid]
    order = reports.assign(_p=reports.get("published", reports["date"]).astype("string").fillna("~"))
    reports = order.sort_values(["_p", "date"], kind="stable").drop(columns=["_p"]).reset_index(drop=True)
    lead = reports.iloc[0].to_dict()
    records = reports.to_dict("records")
    wording = [round(float(similarity(lead, r)), 0) for r in records]
    differs = [[f for f in COMPARED_FIELDS if f in reports.columns and _differ(lead.get(f), r.get(f))] for r in records]
    return reports.assign(wording=wording, differs=differs)


def _differ(a, b) -> bool:
    na, nb = a is None or pd.isna(a), b is None or pd.isna(b)
    if na or nb:
        return na != nb
    return str(a).strip() != str(b).strip()


def date_precisions(dates: pd.Series) -> pd.Series:
    """`day`, `month` or `year` for each date by its shape (the store checks date_precision against it)."""
    n = dates.astype("string").fillna("").str.len()
    return pd.Series(np.select([n == 10, n == 7, n == 4], ["day", "month", "year"], ""), index=dates.index)


def top_actors(df: pd.DataFrame, n: int | None) -> list[str]:
    """The n actors with the most positions, most first (ties alphabetical); every actor when n is None."""
    counts = df["actor"].value_counts()
    order = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return [str(a) for a, _ in order][:n]


def timeline_freq(df: pd.DataFrame) -> str:
    """"W" (weeks) when the exact dates span at most WEEKS_UP_TO, else "M" (months): a column stays wide
    enough to see. A few far older dates (a 2014 reference in 2022 news) do not decide it."""
    when = date_values(df.loc[date_precisions(df["date"]) == "day", "date"]).dropna()
    if when.empty:
        return "M"
    span = when.quantile(0.98) - when.quantile(0.02)
    return "W" if span <= WEEKS_UP_TO else "M"


WEEKS_UP_TO = pd.Timedelta(days=548)  # 18 months: about 80 week columns


def timeline_counts(df: pd.DataFrame, actors: list[str], freq: str) -> pd.DataFrame:
    """Positions per actor and period (week from Monday, or month) for `actors`: columns actor, period, count,
    stances ("8 demand, 4 warning"). Only dates as precise as the period are counted: a month-dated position
    has no week, a year-dated one no month (see `imprecise`)."""
    rows = df.loc[df["actor"].isin(actors), ["actor", "date", "stance"]]   # only these columns: 3, not 30, to cut
    rows = rows[_precise_enough(rows["date"], freq)]
    cols = {"actor": pd.Series(dtype="string"), "period": pd.Series(dtype="datetime64[ns]"),
            "count": pd.Series(dtype="int64"), "stances": pd.Series(dtype="string")}
    if rows.empty:
        return pd.DataFrame(cols)
    period = date_values(rows["date"]).dt.to_period("W-SUN" if freq == "W" else "M").dt.start_time
    by_stance = (pd.DataFrame({"actor": rows["actor"].astype(str), "period": period, "stance": rows["stance"]})
                 .groupby(["actor", "period", "stance"], observed=True).size().rename("n").reset_index())
    by_stance["rank"] = by_stance["stance"].map({s: i for i, s in enumerate(STANCES)})
    by_stance = by_stance.sort_values(["actor", "period", "n", "rank"], ascending=[True, True, False, True])
    by_stance["part"] = by_stance["n"].astype(str) + " " + by_stance["stance"].astype(str)
    out = by_stance.groupby(["actor", "period"], sort=False).agg(count=("n", "sum"), stances=("part", ", ".join))
    return out.reset_index()


def imprecise(df: pd.DataFrame, freq: str) -> int:
    """How many positions are dated less precisely than `freq` allows (left out of timeline_counts)."""
    return int((~_precise_enough(df["date"], freq)).sum())


def _precise_enough(dates: pd.Series, freq: str) -> pd.Series:
    wanted = ("day",) if freq == "W" else ("day", "month")
    return date_precisions(dates).isin(wanted)


def network_top(edges: pd.DataFrame, n: int | None) -> tuple[pd.DataFrame, list[str]]:
    """The edges among the n busiest names (actors and targets, by positions addressed plus received), and
    those names busiest first; every edge when n is None."""
    weight = pd.concat([edges.groupby("actor")["count"].sum(), edges.groupby("target")["count"].sum()])
    weight = weight.groupby(level=0).sum()
    names = sorted(weight.index.astype(str), key=lambda a: (-int(weight[a]), a))[:n]
    kept = edges[edges["actor"].isin(names) & edges["target"].isin(names)]
    return kept.reset_index(drop=True), names


def actor_target_matrix(edges: pd.DataFrame, stance: str | None = None) -> pd.DataFrame:
    """Counts per actor (rows, most active first) and target (columns, most addressed first) for one stance,
    or every stance when None (input: network_edges)."""
    part = edges if stance is None else edges[edges["stance"] == stance]
    table = part.pivot_table(index="actor", columns="target", values="count", aggfunc="sum", fill_value=0)
    if table.empty:
        return table
    rows = sorted(table.index, key=lambda a: (-int(table.loc[a].sum()), str(a)))
    cols = sorted(table.columns, key=lambda t: (-int(table[t].sum()), str(t)))
    return table.loc[rows, cols]
