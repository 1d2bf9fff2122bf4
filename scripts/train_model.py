"""Train models/position_model.joblib from ../shared (the dev gold and its corpus articles).

    .venv/bin/python scripts/train_model.py [--shared ../shared] [--out models/position_model.joblib]

Prints held-in figures (trained and scored on all 73 dev articles) and figures
cross-validated BY ARTICLE (GroupKFold: each article is scored by a model that
never saw it), both with the shared scorer, so over-fitting shows.
Parsed documents are cached under /tmp/parley_cache (DocBin) to keep reruns fast.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import sys
import time
from collections import Counter, defaultdict
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import EXTRACTOR_VERSION  # noqa: E402
from core.classifier import FactoredModel, LabelModel, PositionModel, SoftmaxModel, issue_feats  # noqa: E402
from core.features import analyse, candidates  # noqa: E402
from core.issues import issue_context  # noqa: E402
from core.nlp import load_nlp  # noqa: E402
from core.pipeline import _choose, _rows, prepare_text  # noqa: E402
from core.schema import ISSUES, STANCES  # noqa: E402
from core.targets import target_options  # noqa: E402
from scripts.shared_data import DEFAULT_SHARED, read_jsonl  # noqa: E402

CACHE = Path("/tmp/parley_cache")
N_FOLDS = 5
DICT_WEIGHT = 0.25  # --dict-weight default: cross-validated best of 0.1, 0.25, 0.5, 1, 3
ISSUE_DICT_WEIGHT = 0.5  # --issue-dict-weight default: cross-validated best of 0.25, 0.5, 1, 3 (L2)


def load_scorer(shared: Path):
    spec = importlib.util.spec_from_file_location("parley_score", shared / "eval" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def parsed_docs(articles: list[dict]) -> list:
    """Parse the prepared texts once; reuse the DocBin cache while text and masking are unchanged."""
    from spacy.tokens import DocBin

    nlp = load_nlp()
    texts = [prepare_text(a["text"], a.get("title")) for a in articles]
    key = hashlib.sha1(("\n\x00".join(texts) + nlp.meta["version"]).encode()).hexdigest()[:16]
    path = CACHE / f"docs-{key}.spacy"
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    docs = list(nlp.pipe(texts, batch_size=8))
    CACHE.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=False, docs=docs).to_disk(path)
    return docs


# ---------------------------------------------------------------- building examples
def build_examples(articles, docs, gold_by_article, scorer):
    """Per article: its sentence infos, candidates, stance labels per candidate, issue examples."""
    data, missed = [], Counter()
    for art, doc in zip(articles, docs, strict=False):
        infos = analyse(doc, published=art["published"])
        cands = candidates(infos)
        words = [scorer.words(i.span.text) for i in infos]
        labels = defaultdict(set)
        issue_rows = defaultdict(set)
        targets = {}
        for g in gold_by_article[art["id"]]:
            i = best_sentence(scorer, scorer.words(g["sentence"]), words)
            if i is None:
                missed["sentence"] += 1
                continue
            labels[(i, g["actor"])].add(g["stance"])
            issue_rows[(i, g["actor"], g["stance"])].add(g["issue"])
            targets.setdefault((i, g["actor"], g["stance"]), g["target"])
        have = {(c.sent_index, c.actor) for c in cands}
        missed["actor"] += sum(len(v) for k, v in labels.items() if k not in have)
        missed["covered"] += sum(len(v) for k, v in labels.items() if k in have)
        y = [labels.get((c.sent_index, c.actor), set()) for c in cands]
        context = issue_context([info.span.text for info in infos])
        issues = [(infos[i].span.text, stance, iss, context[i]) for (i, _, stance), iss in issue_rows.items()]
        data.append(dict(article=art, infos=infos, cands=cands, y=y, issues=issues, targets=targets))
    return data, missed


def best_sentence(scorer, gw, words) -> int | None:
    best, arg = 0.0, None
    for i, w in enumerate(words):
        s = scorer.same_sentence(gw, w)
        if s > best:
            best, arg = s, i
    return arg if best >= scorer.SENTENCE_OVERLAP else None


# ---------------------------------------------------------------- fitting
def fit_vectorizers(labels, texts, locals_, dicts, *, use_local: bool, dict_weight: float, cls=LabelModel,
                    char_ngrams: bool = True):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    # Character n-grams within words carry what word n-grams split apart ("accus" in accuses/accusation,
    # "-n't"): +0.006 L1 cross-validated, on every one of four article splits.
    parts = [("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=40000))]
    if char_ngrams:
        parts.append(("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 6), min_df=3, sublinear_tf=True,
                                               max_features=60000)))
    text_vec = FeatureUnion(parts).fit(texts)
    local_vec = None
    if use_local:
        local_vec = TfidfVectorizer(token_pattern=r"\S+", min_df=2, sublinear_tf=True, lowercase=False)
        local_vec.fit(locals_)
    dict_vec = DictVectorizer().fit(dicts)
    for vec in (*(v for _, v in parts), local_vec):
        if vec is not None and hasattr(vec, "stop_words_"):
            vec.stop_words_ = None  # the pruned-terms set is only for inspection and bloats the artifact
    return cls(tuple(labels), text_vec, local_vec, dict_vec, dict_weight=dict_weight)


def fit_factored_model(labels, texts, locals_, dicts, ys, *, C: float, dict_weight: float) -> FactoredModel:
    from sklearn.linear_model import LogisticRegression

    model = fit_vectorizers(labels, texts, locals_, dicts, use_local=True, dict_weight=dict_weight, cls=FactoredModel)
    X = model.matrix(texts, locals_, dicts)
    hold = np.array([bool(s) for s in ys], dtype=int)
    model.hold_clf = LogisticRegression(C=C, max_iter=3000, solver="liblinear").fit(X, hold)
    rows = [i for i, s in enumerate(ys) for _ in s]          # one row per stance a holder takes
    y = [label for s in ys for label in sorted(s)]
    model.stance_clf = LogisticRegression(C=C, max_iter=3000).fit(X[rows], y)
    return model


def fit_softmax_model(labels, texts, locals_, dicts, ys, *, C: float, dict_weight: float) -> SoftmaxModel:
    from sklearn.linear_model import LogisticRegression

    model = fit_vectorizers(labels, texts, locals_, dicts, use_local=False, dict_weight=dict_weight, cls=SoftmaxModel,
                            char_ngrams=False)
    X = model.matrix(texts, locals_, dicts)
    rows = [i for i, s in enumerate(ys) for _ in s]
    model.clf = LogisticRegression(C=C, max_iter=3000).fit(X[rows], [label for s in ys for label in sorted(s)])
    return model


def fit_label_model(labels, texts, locals_, dicts, ys, *, use_local: bool, C: float, dict_weight: float) -> LabelModel:
    from sklearn.linear_model import LogisticRegression

    model = fit_vectorizers(labels, texts, locals_, dicts, use_local=use_local, dict_weight=dict_weight)
    X = model.matrix(texts, locals_, dicts)
    for label in labels:
        y = np.array([label in s for s in ys], dtype=int)
        if y.sum() >= 3:
            model.classifiers[label] = LogisticRegression(C=C, max_iter=2000, solver="liblinear").fit(X, y)
    return model


def fit_position_model(data, args, thresholds=None) -> PositionModel:
    cands = [c for d in data for c in d["cands"]]
    ys = [y for d in data for y in d["y"]]
    fit = fit_factored_model if args.factored else partial(fit_label_model, use_local=True)
    stance = fit(STANCES, [c.text for c in cands], [c.local for c in cands], [c.feats for c in cands], ys, C=args.C,
                 dict_weight=args.dict_weight)
    items = [it for d in data for it in d["issues"]]
    texts = [t for t, _, _, _ in items]
    issue = fit_softmax_model(ISSUES, texts, texts, [issue_feats(t, s, c) for t, s, _, c in items],
                              [iss for _, _, iss, _ in items], C=args.C_issue,
                              dict_weight=args.issue_dict_weight)
    if thresholds:
        stance.thresholds, issue.thresholds = thresholds
    prior = target_prior(data)
    return PositionModel(f"stance-lr@{EXTRACTOR_VERSION}", stance, issue, prior,
                         target_ranker=fit_target_ranker(data, prior))


def fit_target_ranker(data, prior):
    """Logistic regression over (position, option) pairs: is this option the gold target?"""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X, y = [], []
    for d in data:
        for c, stances in zip(d["cands"], d["y"], strict=False):
            for s in stances:
                gold = d["targets"].get((c.sent_index, c.actor, s))
                for option, f in target_options(c, d["infos"], prior, s):
                    X.append(f)
                    y.append(int(option == gold))
    vec = DictVectorizer().fit(X)
    return vec, LogisticRegression(C=1.0, max_iter=3000).fit(vec.transform(X), y)


def target_prior(data) -> dict:
    counts = defaultdict(Counter)
    for d in data:
        for g in d["gold"]:
            counts[g["actor"]][g["target"]] += 1
    return {a: c.most_common(1)[0][0] for a, c in counts.items()}


def tune_thresholds(probs: np.ndarray, ys, labels) -> dict:
    """Per label, the cut that maximises F1 on out-of-fold probabilities."""
    out = {}
    for j, label in enumerate(labels):
        y = np.array([label in s for s in ys])
        best, best_t = -1.0, 0.5
        for t in np.arange(0.15, 0.9, 0.025):
            pred = probs[:, j] >= t
            tp = (pred & y).sum()
            f = 2 * tp / (pred.sum() + y.sum()) if pred.sum() + y.sum() else 0.0
            if f > best:
                best, best_t = f, float(t)
        out[label] = round(best_t, 3)
    return out


# ---------------------------------------------------------------- evaluation
def predict_rows(data, model) -> list[dict]:
    rows = []
    for d in data:
        a = d["article"]
        chosen = _choose(d["cands"], model)
        rows.extend(_rows(chosen, d["infos"], model, a["id"], a["published"], a["text"]))
    return rows


def cross_validate(data, args, scorer):
    from sklearn.model_selection import GroupKFold

    folds = list(GroupKFold(n_splits=N_FOLDS).split(np.arange(len(data)), groups=np.arange(len(data))))
    models, s_oof, i_oof = [], {}, {}
    for train, test in folds:
        m = fit_position_model([data[i] for i in train], args)
        models.append(m)
        for i in test:
            d = data[i]
            s_oof[i] = m.stance_proba(d["cands"])
            texts = [t for t, _, _, _ in d["issues"]]
            i_oof[i] = m.issue.proba(texts, texts, [issue_feats(t, s, c) for t, s, _, c in d["issues"]])
    order = range(len(data))
    s_probs = np.vstack([s_oof[i] for i in order if len(data[i]["cands"])])
    s_y = [y for i in order for y in data[i]["y"]]
    i_probs = np.vstack([i_oof[i] for i in order if len(data[i]["issues"])])
    i_y = [iss for i in order for _, _, iss, _ in data[i]["issues"]]
    thresholds = (tune_thresholds(s_probs, s_y, STANCES), tune_thresholds(i_probs, i_y, ISSUES))
    rows = []
    for m, (_, test) in zip(models, folds, strict=False):
        m.stance.thresholds, m.issue.thresholds = thresholds
        rows.extend(predict_rows([data[i] for i in test], m))
    return thresholds, rows


def report(title: str, rep: dict) -> None:
    print(f"{title}: L1 P={rep['L1']['precision']:.3f} R={rep['L1']['recall']:.3f} F1={rep['L1']['f1']:.3f} | "
          f"L2 F1={rep['L2']['f1']:.3f} | " + " ".join(
              f"{k}={v['accuracy']}" for k, v in rep["attributes"].items()))
    print("   per stance F1: " + " ".join(f"{s}={m['f1']:.2f}" for s, m in rep["per_stance_L1"].items()))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(DEFAULT_SHARED))
    ap.add_argument("--out", default=str(ROOT / "models" / "position_model.joblib"))
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--C-issue", type=float, default=5.0)
    ap.add_argument("--one-vs-rest", dest="factored", action="store_false",
                    help="one classifier per stance over all candidates instead of holder x stance")
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--dict-weight", type=float, default=DICT_WEIGHT,
                    help="scale of the parse and cue features against the n-grams (stance model)")
    ap.add_argument("--issue-dict-weight", type=float, default=ISSUE_DICT_WEIGHT,
                    help="scale of the issue-lexicon and context features against the n-grams (issue model)")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "gold" / "dev.jsonl").exists():
        print(f"no gold at {shared}/gold/dev.jsonl: nothing to train on", file=sys.stderr)
        return 2
    scorer = load_scorer(shared)
    gold = read_jsonl(shared / "gold" / "dev.jsonl")
    gold_by = defaultdict(list)
    for g in gold:
        gold_by[g["article_id"]].append(g)
    corpus = [a for f in sorted((shared / "corpus").glob("*.jsonl")) for a in read_jsonl(f)]
    articles = [a for a in corpus if a["id"] in gold_by]  # train only on articles the dev gold covers
    t0 = time.time()
    docs = parsed_docs(articles)
    data, missed = build_examples(articles, docs, gold_by, scorer)
    for d in data:
        d["gold"] = gold_by[d["article"]["id"]]
    n_c = sum(len(d["cands"]) for d in data)
    print(f"{len(articles)} articles, {n_c} candidates; gold positions reachable by a candidate: "
          f"{missed['covered']} (no sentence: {missed['sentence']}, actor not a candidate: {missed['actor']}) "
          f"[{time.time() - t0:.0f}s]")
    thresholds, cv_rows = cross_validate(data, args, scorer)
    cv = scorer.score(gold, cv_rows)
    report(f"cross-validated by article ({N_FOLDS} folds)", cv)
    by_confidence = confidence_table(scorer, gold, cv_rows)
    print("   by confidence (unseen articles): " + " ".join(
        f">={r['min_confidence']}: P={r['precision']:.2f} R={r['recall']:.2f}" for r in by_confidence))
    model = fit_position_model(data, args, thresholds)
    held_in = scorer.score(gold, predict_rows(data, model))
    report("held-in (trained on all dev articles)", held_in)
    model.info = {"trained_on_articles": len(data), "candidates": n_c, "folds": N_FOLDS,
                  "thresholds": {"stance": thresholds[0], "issue": thresholds[1]},
                  "cv": {**_brief(cv), "by_confidence": by_confidence}, "held_in": _brief(held_in)}
    if not args.no_save:
        import joblib

        joblib.dump(model, args.out, compress=3)
        print(f"saved {args.out} ({Path(args.out).stat().st_size / 1e6:.2f} MB) [{time.time() - t0:.0f}s]")
    return 0


CONFIDENCE_CUTS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def confidence_table(scorer, gold, rows) -> list[dict]:
    """L1 precision and recall of the rows at or above each confidence cut: what the dashboard's
    minimum-confidence filter buys on articles the model never saw."""
    out = []
    for cut in CONFIDENCE_CUTS:
        kept = [r for r in rows if r["confidence"] >= cut]
        rep = scorer.score(gold, kept)["L1"]
        out.append({"min_confidence": cut, "positions": rep["pred"], "precision": round(rep["precision"], 3),
                    "recall": round(rep["recall"], 3)})
    return out


def _brief(rep: dict) -> dict:
    return {"L1_f1": rep["L1"]["f1"], "L2_f1": rep["L2"]["f1"],
            **{k: v["accuracy"] for k, v in rep["attributes"].items()},
            "per_stance_f1": {s: m["f1"] for s, m in rep["per_stance_L1"].items()}}


if __name__ == "__main__":
    sys.exit(main())
