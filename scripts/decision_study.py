"""How stances are decided from the models' out-of-fold scores, compared without refitting the models.

    .venv/bin/python scripts/train_model.py --encoder-oof NPY --encoder-pairs JSON --oof-parts /tmp/parts.npz
    .venv/bin/python scripts/decision_study.py --parts /tmp/parts.npz [--shared ../shared]

Each variant turns every candidate's p(holds), linear p(stance | holds) and encoder p(stance | holds) into
stances; per-stance cuts are tuned on the same out-of-fold scores (as train_model does) and, beside that
figure, on the other four article folds only (nested_rows: the cuts never see the articles they are scored
on); stacked models are themselves cross-validated by article. L1 is scored with the shared scorer: it reads only the
sentence, actor and stance, so the figures equal the full pipeline's L1 (issues, targets and dates do not
enter it). The shipped rule is "mixed 0.65"; a variant is worth building only if it beats it clearly.
The simple variants take seconds each; the stacked ones a few minutes (about 15 min for the whole table
on 2 busy cores).
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.measure.evaluate import load_scorer  # noqa: E402
from scripts.shared_data import DEFAULT_SHARED, read_jsonl  # noqa: E402
from scripts.train_model import tune_thresholds  # noqa: E402

EPS = 1e-4


def load_parts(path: Path) -> dict:
    parts = dict(np.load(path, allow_pickle=False))
    parts["labels"] = [str(s) for s in parts["labels"]]
    parts["gold_sets"] = [set(g.split("|")) - {""} for g in parts["gold"]]
    return parts


def rows_of(parts: dict, probs: np.ndarray, cuts: dict) -> list[dict]:
    """Position rows for the scorer: every stance at or above its cut."""
    rows = []
    for i, j in zip(*np.nonzero(probs >= np.array([cuts[s] for s in parts["labels"]])), strict=True):
        rows.append(dict(article_id=str(parts["article_id"][i]), sentence=str(parts["sentence"][i]),
                         actor=str(parts["actor"][i]), stance=parts["labels"][j], issue="other"))
    return rows


def given(parts: dict, w: float = 0.5) -> np.ndarray:
    """p(stance | holder): the linear model's and the encoder's, the encoder weighted `w`."""
    return (1 - w) * parts["linear"] + w * parts["encoder"]


def mixed(parts: dict, w: float) -> np.ndarray:
    return parts["hold"][:, None] * given(parts, w)


def geometric(parts: dict) -> np.ndarray:
    g = np.sqrt(parts["linear"] * parts["encoder"])
    return parts["hold"][:, None] * g / g.sum(1, keepdims=True)


def top_only(parts: dict, second_ratio: float | None = None) -> np.ndarray:
    """Only the top stance of the 0.5 mix (and the runner-up when it reaches `second_ratio` of the top)."""
    mix = given(parts)
    probs = parts["hold"][:, None] * mix
    order, rows = np.argsort(-mix, 1), np.arange(len(mix))
    out = np.zeros_like(probs)
    out[rows, order[:, 0]] = probs[rows, order[:, 0]]
    if second_ratio is not None:
        ok = mix[rows, order[:, 1]] >= second_ratio * mix[rows, order[:, 0]]
        out[rows[ok], order[ok, 1]] = probs[rows[ok], order[ok, 1]]
    return out


def context_features(parts: dict) -> np.ndarray:
    """What a sentence's other candidates and the actor's previous and next sentences say."""
    hold, n = parts["hold"], len(parts["hold"])
    mix = given(parts)
    by_sentence, at = defaultdict(list), {}
    for i in range(n):
        by_sentence[(parts["article_id"][i], parts["sent_index"][i])].append(i)
        at[(parts["article_id"][i], parts["sent_index"][i], parts["actor"][i])] = i
    hows = sorted(set(parts["how"]))
    out = []
    for i in range(n):
        art, k, actor = parts["article_id"][i], parts["sent_index"][i], parts["actor"][i]
        others = [j for j in by_sentence[(art, k)] if j != i]
        prev, nxt = at.get((art, k - 1, actor)), at.get((art, k + 1, actor))
        out.append([max((hold[j] for j in others), default=0.0), len(others), sum(hold[j] > hold[i] for j in others),
                    hold[prev] if prev is not None else 0.0, hold[nxt] if nxt is not None else 0.0,
                    *(hold[prev] * mix[prev] if prev is not None else np.zeros(mix.shape[1])),
                    *(parts["how"][i] == h for h in hows)])
    return np.array(out, dtype=float)


def stacked(parts: dict, boosted: bool) -> np.ndarray:
    """One classifier per stance over the scores (and, boosted, the context), cross-validated by article."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold
    from sklearn.preprocessing import StandardScaler

    h, lin, enc = parts["hold"][:, None], parts["linear"], parts["encoder"]
    X = np.hstack([h, np.log(h + EPS), lin, enc, np.log(lin + EPS), np.log(enc + EPS), h * lin, h * enc])
    if boosted:
        X = np.hstack([X, context_features(parts)])
    Y = np.array([[s in g for s in parts["labels"]] for g in parts["gold_sets"]])
    out = np.zeros(Y.shape)
    for train, test in GroupKFold(n_splits=5).split(X, groups=parts["article_id"]):
        scale = StandardScaler().fit(X[train])
        for j in range(Y.shape[1]):
            clf = (HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                                  min_samples_leaf=40, l2_regularization=1.0, random_state=13)
                   if boosted else LogisticRegression(max_iter=2000))
            clf.fit(scale.transform(X[train]), Y[train, j])
            out[test, j] = clf.predict_proba(scale.transform(X[test]))[:, 1]
    return out


def variants(parts: dict) -> dict:
    out = {"linear alone": lambda: parts["hold"][:, None] * parts["linear"]}
    for w in (0.35, 0.5, 0.65):
        out[f"mixed {w} (0.65 is shipped)" if w == 0.65 else f"mixed {w}"] = lambda w=w: mixed(parts, w)
    out["geometric mean"] = lambda: geometric(parts)
    out["top stance only"] = lambda: top_only(parts)
    out["top, and the runner-up at >= 0.3 of it"] = lambda: top_only(parts, 0.3)
    out["stacked, logistic"] = lambda: stacked(parts, boosted=False)
    out["stacked, boosted trees with sentence context"] = lambda: stacked(parts, boosted=True)
    return out


def nested_rows(parts: dict, probs: np.ndarray, tune) -> list[dict]:
    """Rows of each article fold under cuts tuned (`tune(probs, gold_sets)`) on the other four folds only: the
    cuts do not see the articles they are scored on, unlike train_model's, which are tuned on every
    out-of-fold score (about 0.006 L1 of optimism on the shipped mix)."""
    from sklearn.model_selection import GroupKFold

    rows, arts = [], parts["article_id"]
    for train, test in GroupKFold(n_splits=5).split(probs, groups=arts):
        cuts = tune(probs[train], [parts["gold_sets"][i] for i in train])
        held = set(arts[test])
        rows += [r for r in rows_of(parts, probs, cuts) if r["article_id"] in held]
    return rows


def micro_cuts(probs: np.ndarray, gold_sets, labels, start: dict, rounds: int = 3) -> dict:
    """Cuts chosen together for the F1 over all stances (what L1 is), one stance at a time from `start`,
    instead of each stance's own F1 (tune_thresholds)."""
    Y = np.array([[s in g for s in labels] for g in gold_sets])
    cuts = dict(start)
    for _ in range(rounds):
        for j, label in enumerate(labels):
            kept = [probs[:, k] >= cuts[labels[k]] for k in range(len(labels))]
            tp_rest = sum((kept[k] & Y[:, k]).sum() for k in range(len(labels)) if k != j)
            n_rest = sum(kept[k].sum() for k in range(len(labels)) if k != j)

            def f1(t, j=j, tp_rest=tp_rest, n_rest=n_rest):
                pred = probs[:, j] >= t
                return 2 * (tp_rest + (pred & Y[:, j]).sum()) / (n_rest + pred.sum() + Y.sum())
            cuts[label] = float(max(np.arange(0.05, 0.9, 0.0125), key=f1))
    return cuts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parts", required=True, help="train_model.py --oof-parts output")
    ap.add_argument("--shared", default=str(DEFAULT_SHARED))
    args = ap.parse_args(argv)
    parts = load_parts(Path(args.parts))
    if np.isnan(parts["encoder"]).any():
        print("no encoder scores in these parts (train_model ran without --encoder-oof)", file=sys.stderr)
        return 2
    scorer, gold = load_scorer(Path(args.shared)), read_jsonl(Path(args.shared) / "gold" / "dev.jsonl")
    print(f"{len(parts['hold'])} candidates, {sum(bool(g) for g in parts['gold_sets'])} holding a position")
    for name, make in variants(parts).items():
        probs = make()
        for low in (0.15, 0.05):   # train_model's cut grid starts at 0.15
            cuts = tune_thresholds(probs, parts["gold_sets"], parts["labels"], low=low)
            rep = scorer.score(gold, rows_of(parts, probs, cuts))["L1"]
            nested = scorer.score(gold, nested_rows(
                parts, probs, lambda p, g, low=low: tune_thresholds(p, g, parts["labels"], low=low)))["L1"]
            print(f"{name:<48} cuts from {low:.2f}: L1 P {rep['precision']:.3f} R {rep['recall']:.3f} "
                  f"F1 {rep['f1']:.4f}; cuts tuned on the other folds: F1 {nested['f1']:.4f}", flush=True)
    probs = mixed(parts, 0.65)

    def together(p, g):
        return micro_cuts(p, g, parts["labels"], tune_thresholds(p, g, parts["labels"]))
    nested = scorer.score(gold, nested_rows(parts, probs, together))["L1"]
    print(f"{'mixed 0.65, cuts chosen for L1 together':<48} cuts tuned on the other folds: F1 {nested['f1']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
