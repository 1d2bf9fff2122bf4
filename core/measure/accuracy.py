"""How far to trust each stance: the extractor's per-stance precision and recall.

The figures come from the shared scorer (`../shared/eval/score.py`, its
`score()` report), found in this order:

1. computed now, when `../shared` holds the scorer and the dev gold and the
   project holds stored predictions for the gold articles
   (`models/dev_predictions.jsonl`, contract columns);
2. read from the stored report `models/eval_report.json`, or the file named by
   $PARLEY_EVAL_REPORT (the scorer's
   `--json` output, e.g. as `python -m core evaluate --report` writes it,
   with its `run.extractor_version` and `run.when`);
3. otherwise none: `Accuracy.available` is False and `message` says why.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from core.measure.evaluate import load_scorer
from core.paths import ROOT, shared_dir
from core.schema import STANCES

REPORT_PATH = Path("models") / "eval_report.json"
REPORT_ENV = "PARLEY_EVAL_REPORT"  # another report file instead (a test, or a report kept elsewhere)
PREDICTIONS_PATH = Path("models") / "dev_predictions.jsonl"
COLUMNS = ["stance", "precision", "recall", "f1", "gold", "pred", "tp"]
CV_COLUMN = "f1_unseen"  # per-stance F1 cross-validated by article: what to expect on articles the model never saw


@dataclass(frozen=True)
class Accuracy:
    available: bool
    source: str                        # one sentence: where the figures come from
    table: pd.DataFrame = field(repr=False)  # one row per stance, COLUMNS
    overall: dict = field(default_factory=dict)  # {"L1": {...}, "L2": {...}} when known
    articles: int | None = None
    extractor_version: str | None = None
    when: str | None = None               # when the report was made (UTC), if it says
    unseen: dict = field(default_factory=dict)  # the model's cross-validated figures (L1_f1, L2_f1, …), if stored
    note: str | None = None               # the report's own caveat (e.g. "dev figures are held-in")
    curve: tuple = ()                     # the learning curve: cross-validated L1/L2 by share of training articles


def load_accuracy(root: Path | str = ROOT, shared: Path | str | None = None) -> Accuracy:
    """The best figures available (see the module docstring), never raising for a missing file."""
    root = Path(root)
    shared = shared_dir(shared)
    scorer, gold, preds = shared / "eval" / "score.py", shared / "gold" / "dev.jsonl", root / PREDICTIONS_PATH
    if scorer.is_file() and gold.is_file() and preds.is_file():
        try:
            report = _score_now(shared, gold, preds)
        except (SystemExit, Exception):  # noqa: BLE001 - the scorer exits on a broken line; fall back
            report = None
        if report is not None:
            return from_report(report, f"Computed now by the shared scorer ({scorer.name}) over the dev gold "
                                       f"({gold.name}) from the stored predictions ({PREDICTIONS_PATH}).")
    stored = Path(os.environ.get(REPORT_ENV) or root / REPORT_PATH)
    name = stored.name if os.environ.get(REPORT_ENV) else REPORT_PATH
    if stored.is_file():
        try:
            data = json.loads(stored.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            return unavailable(f"The stored evaluation report {name} could not be read ({err}).")
        return from_report(data, f"Read from the stored evaluation report {name} "
                                 "(the shared scorer's figures on the annotated dev articles).")
    return unavailable(
        f"No evaluation figures are available: {name} is absent"
        + ("" if gold.is_file() else ", and the shared gold (../shared/gold/dev.jsonl) is not beside the project")
        + ". Until the extractor has been scored, treat every stance as unchecked."
    )


def from_report(data: dict, source: str) -> Accuracy:
    """An Accuracy from the scorer's report dict (or a dict that wraps it)."""
    report = _find_report(data)
    if report is None:
        return unavailable(f"{source} It holds no per-stance figures (no 'per_stance_L1').")
    rows = []
    for stance in STANCES:
        m = report["per_stance_L1"].get(stance)
        rows.append({"stance": stance, **{k: (m or {}).get(k) for k in COLUMNS[1:]}})
    table = pd.DataFrame(rows, columns=COLUMNS).astype(
        {"precision": "Float64", "recall": "Float64", "f1": "Float64", "gold": "Int64", "pred": "Int64", "tp": "Int64"})
    overall = {lvl: report[lvl] for lvl in ("L1", "L2") if isinstance(report.get(lvl), dict)}
    run = data.get("run") if isinstance(data, dict) and isinstance(data.get("run"), dict) else {}
    version = (data.get("extractor_version") if isinstance(data, dict) else None) or run.get("extractor_version")
    unseen = _cross_validated(data)
    if unseen.get("per_stance_f1"):
        table[CV_COLUMN] = pd.array([unseen["per_stance_f1"].get(s) for s in STANCES], dtype="Float64")
    note = data.get("note") if isinstance(data, dict) and isinstance(data.get("note"), str) else None
    return Accuracy(True, source, table, overall, report.get("articles"), version, run.get("when"), unseen, note,
                    tuple(_model_field(data, "learning_curve") or ()))


def _cross_validated(data) -> dict:
    """The model's figures on articles it never saw (`model.cv` in the report), or {}. Where the report has
    them with each fold's cuts tuned on the other folds only (`model.cv_nested_cuts`), those figures are shown:
    in `model.cv` the cuts were tuned on every article, the scored ones included, which flatters them a little."""
    cv = _model_field(data, "cv")
    nested = _model_field(data, "cv_nested_cuts")
    return {**(cv if isinstance(cv, dict) else {}), **(nested if isinstance(nested, dict) else {})}


def _model_field(data, name: str):
    model = data.get("model") if isinstance(data, dict) else None
    return model.get(name) if isinstance(model, dict) else None


def learning_curve_table(acc: Accuracy) -> pd.DataFrame:
    """Cross-validated L1/L2 F1 by the share of training articles each fold learnt from, with and
    without the sentence encoder: what more annotation would buy (empty when the report lacks it)."""
    cols = ["fraction", "encoder_weight", "L1_f1", "L2_f1"]
    rows = [{c: r.get(c) for c in cols} for r in acc.curve if isinstance(r, dict)]
    return pd.DataFrame(rows, columns=cols)


def confidence_table(acc: Accuracy) -> pd.DataFrame:
    """Per minimum confidence, the positions kept and how often they were right, on articles the model
    never saw (cross-validated by article; empty when the report does not hold it)."""
    rows = acc.unseen.get("by_confidence") or []
    cols = ["min_confidence", "precision", "recall"]
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in rows if isinstance(r, dict)], columns=cols)


def confidence_help(acc: Accuracy) -> str:
    """One sentence for the minimum-confidence control: what each cut buys, in the report's own figures."""
    table = confidence_table(acc)
    if table.empty:
        return "Only positions the extractor scored at least this sure of (0 to 1). Reviewed positions always show."
    cuts = "; ".join(f"at least {r.min_confidence:g}: {r.precision:.0%} right, {r.recall:.0%} of all found"
                     for r in table.itertuples(index=False))
    return ("Only positions the extractor scored at least this sure of. On articles it never saw, "
            f"positions scored {cuts}. Reviewed positions always show.")


def unavailable(message: str) -> Accuracy:
    return Accuracy(False, message, pd.DataFrame(columns=COLUMNS))


def _find_report(data) -> dict | None:
    """The scorer's report itself, or the first nested dict that is one."""
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("per_stance_L1"), dict):
        return data
    for value in data.values():
        found = _find_report(value)
        if found is not None:
            return found
    return None


def _score_now(shared: Path, gold: Path, preds: Path) -> dict:
    module = load_scorer(shared)
    return module.score(module.load(str(gold)), module.load(str(preds)))


LIKELY_PRECISION = 0.7   # "likely" where, on articles the model never saw, at least 7 in 10 such rows were right


def likely_cut(acc: Accuracy, precision: float = LIKELY_PRECISION) -> float | None:
    """The lowest minimum confidence whose measured precision (model.cv.by_confidence) reaches `precision`;
    None when the report does not hold the table or no cut reaches it."""
    table = confidence_table(acc).dropna()
    good = table[table["precision"] >= precision]
    return float(good["min_confidence"].min()) if len(good) else None


def trust_word(confidence, reviewed: bool = False, cut: float | None = None) -> str:
    """`reviewed` (a person confirmed it), `likely` (scored at or above the cut), `uncertain` (below it),
    `unscored` (no score), or `unmeasured` (no precision table to judge a score by)."""
    if reviewed:
        return "reviewed"
    try:
        if confidence is None or pd.isna(confidence):
            return "unscored"
    except (TypeError, ValueError):
        return "unscored"
    if cut is None:
        return "unmeasured"
    return "likely" if float(confidence) >= cut else "uncertain"


REVIEWED_STATUSES = ("accepted", "edited", "added")


def trust_words(df: pd.DataFrame, acc: Accuracy) -> pd.Series:
    """trust_word of every row (its `confidence`, and `review_status` when the frame has it)."""
    cut = likely_cut(acc)
    status = df["review_status"] if "review_status" in df.columns else pd.Series([None] * len(df), index=df.index)
    conf = df["confidence"] if "confidence" in df.columns else pd.Series([None] * len(df), index=df.index)
    return pd.Series([trust_word(c, s in REVIEWED_STATUSES, cut) for c, s in zip(conf, status, strict=True)],
                     index=df.index, dtype="string")


def trust_legend(acc: Accuracy) -> str:
    """One sentence saying what the words mean, in the report's own figures."""
    cut = likely_cut(acc)
    if cut is None:
        return "No measured precision table: confidence scores are shown as numbers only."
    row = confidence_table(acc).set_index("min_confidence").loc[cut]
    below = confidence_table(acc)
    below = below[below["min_confidence"] < cut]
    low = (f" (of all rows scored at least {below.iloc[0]['min_confidence']:g}, {below.iloc[0]['precision']:.0%})"
           if len(below) else "")
    return (f"“likely”: scored at least {cut:g} — on articles the model never saw, {row['precision']:.0%} of such "
            f"rows were right{low}. “uncertain”: scored below {cut:g}. “reviewed”: a person confirmed it.")


def why_short(cue, rule_id) -> str:
    """`cue "demanded" · rule demand.verb`: why the extractor wrote the row, in one line ("" when unknown)."""
    def given(v) -> bool:
        try:
            return v is not None and not pd.isna(v) and str(v).strip() != ""
        except (TypeError, ValueError):
            return False
    parts = ([f'cue "{cue}"'] if given(cue) else []) + ([f"rule {rule_id}"] if given(rule_id) else [])
    return " · ".join(parts)


def why_column(df: pd.DataFrame) -> pd.Series:
    cue = df["cue"] if "cue" in df.columns else pd.Series([None] * len(df), index=df.index)
    rule = df["rule_id"] if "rule_id" in df.columns else pd.Series([None] * len(df), index=df.index)
    return pd.Series([why_short(c, r) for c, r in zip(cue, rule, strict=True)], index=df.index, dtype="string")
