"""Train models/position_model.joblib from ../shared (the dev gold and its corpus articles).

    .venv/bin/python scripts/train_model.py [--shared ../shared] [--out models/position_model.joblib]
        [--encoder-oof NPY --encoder-pairs JSON] [--curve 0.25,0.5] [--cv-rows OUT.jsonl] [--oof-parts OUT.npz]
    .venv/bin/python scripts/train_model.py --dump-pairs PAIRS.json   # what scripts/finetune_encoder.py trains on

Prints held-in figures (trained and scored on every dev article) and figures
cross-validated BY ARTICLE (GroupKFold: each article is scored by models that
never saw it), both with the shared scorer, so over-fitting shows. The fine-tuned
encoder's share is cross-validated from its out-of-fold scores (--encoder-oof).
Parsed documents are cached under /tmp/parley_cache (DocBin) to keep reruns fast.
`bash scripts/train.sh` runs the whole rebuild in order.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter, defaultdict
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import EXTRACTOR_VERSION  # noqa: E402
from core.extract.classifier import FactoredModel, LabelModel, PositionModel, SoftmaxModel, issue_feats  # noqa: E402
from core.extract.features import analyse, candidates  # noqa: E402
from core.extract.issues import issue_context  # noqa: E402
from core.extract.nlp import load_nlp  # noqa: E402
from core.extract.pipeline import _choose, _rows, prepare_text  # noqa: E402
from core.extract.targets import target_options  # noqa: E402
from core.measure.evaluate import load_scorer  # noqa: E402
from core.schema import ISSUES, STANCES  # noqa: E402
from scripts.shared_data import DEFAULT_SHARED, read_jsonl  # noqa: E402

CACHE = Path("/tmp/parley_cache")
N_FOLDS = 5
DICT_WEIGHT = 0.25  # --dict-weight default: cross-validated best of 0.1, 0.25, 0.5, 1, 3
ENCODER_WEIGHTS = "0.35,0.5,0.65,0.8"  # --encoder-weights default: around the plain average of the two models
ISSUE_ENCODER_WEIGHTS = "0.3,0.45,0.6"  # --issue-encoder-weights default (fold 1: 0.3-0.6 within 0.005 of the best)
ISSUE_DICT_WEIGHT = 0.5  # --issue-dict-weight default: cross-validated best of 0.25, 0.5, 1, 3 (L2)
# --C-stance default: p(stance | holds) learns from holders only (4,638), and with the gold grown 3.3x it was
# regularised too hard at the holder model's C 1; cross-validated L1 / L2 (encoder 0.5): see models/README.md
C_STANCE = 3.0


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
        data.append(dict(article=art, infos=infos, cands=cands, y=y, issues=issues, targets=targets,
                         issue_rows=issue_rows))
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


def fit_factored_model(labels, texts, locals_, dicts, ys, *, C: float, dict_weight: float,
                       C_stance: float = C_STANCE) -> FactoredModel:
    from sklearn.linear_model import LogisticRegression

    model = fit_vectorizers(labels, texts, locals_, dicts, use_local=True, dict_weight=dict_weight, cls=FactoredModel)
    X = model.matrix(texts, locals_, dicts)
    hold = np.array([bool(s) for s in ys], dtype=int)
    model.hold_clf = LogisticRegression(C=C, max_iter=3000, solver="liblinear").fit(X, hold)
    rows = [i for i, s in enumerate(ys) for _ in s]          # one row per stance a holder takes
    y = [label for s in ys for label in sorted(s)]
    model.stance_clf = LogisticRegression(C=C_stance, max_iter=3000).fit(X[rows], y)
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
    fit = (partial(fit_factored_model, C_stance=args.C_stance) if args.factored
           else partial(fit_label_model, use_local=True))
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
    weight = args.encoder_weight if "enc" in data[0] else 0.0
    issue_weight = args.issue_encoder_weight if "issue_enc" in data[0] else 0.0
    model_id = f"stance-lr{'+minilm-ft' if weight else ''}{'+issue-ft' if issue_weight else ''}@{EXTRACTOR_VERSION}"
    return PositionModel(model_id, stance, issue, prior, target_ranker=fit_target_ranker(data, prior),
                         encoder_weight=weight, issue_encoder_weight=issue_weight)


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


def tune_thresholds(probs: np.ndarray, ys, labels, low: float = 0.15) -> dict:
    """Per label, the cut that maximises F1 on out-of-fold probabilities (searched from `low` to 0.9)."""
    out = {}
    for j, label in enumerate(labels):
        y = np.array([label in s for s in ys])
        best, best_t = -1.0, 0.5
        for t in np.arange(low, 0.9, 0.025):
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
        chosen = _choose(d["cands"], model, encoded=d.get("enc"))
        rows.extend(_rows(chosen, d["infos"], model, a["id"], a["published"], a["text"], d.get("issue_enc")))
    return rows


def make_folds(n: int) -> list[tuple[list[int], list[int]]]:
    """The article folds every cross-validated figure uses (the model's, the learning curve's)."""
    from sklearn.model_selection import GroupKFold

    return [(list(a), list(b)) for a, b in GroupKFold(n_splits=N_FOLDS).split(np.arange(n), groups=np.arange(n))]


def subsample(train: list[int], fraction: float, fold: int) -> list[int]:
    """A seeded share of a fold's training articles (the learning curve); all of them at 1.0."""
    if fraction >= 1.0:
        return list(train)
    rng = np.random.default_rng(13 * 100 + fold)
    return sorted(rng.choice(train, size=max(1, round(len(train) * fraction)), replace=False).tolist())


def cross_validate(data, args, fraction: float = 1.0, weights=(None,), parts_path: Path | None = None) -> dict:
    """Out-of-fold rows per encoder weight (None: the model's own), the fold models fitted once.
    Thresholds are tuned on the out-of-fold scores of each variant, as the final model's are.
    `parts_path`: also save every candidate's out-of-fold parts (scripts/decision_study.py reads them)."""
    models, folds = fold_models(data, args, fraction)
    if parts_path:
        save_oof_parts(data, models, folds, parts_path)
    return oof_variants(data, models, folds, weights)


def fold_models(data, args, fraction: float = 1.0):
    folds = make_folds(len(data))
    return [fit_position_model([data[i] for i in subsample(train, fraction, k)], args)
            for k, (train, _) in enumerate(folds)], folds


def oof_variants(data, models, folds, weights, attr: str = "encoder_weight") -> dict:
    """Out-of-fold (thresholds, rows) per value of the fold models' `attr` (None: as fitted)."""
    out = {}
    for w in weights:
        for m in models:
            if w is not None:
                setattr(m, attr, w)
            m.stance.thresholds = m.issue.thresholds = {}
        out[w] = _out_of_fold(data, models, folds)
    return out


def _out_of_fold(data, models, folds):
    s_oof, i_oof = _oof_scores(data, models, folds)
    thresholds = _tuned(data, s_oof, i_oof, range(len(data)))
    rows = []
    for m, (_, test) in zip(models, folds, strict=True):
        m.stance.thresholds, m.issue.thresholds = thresholds
        rows.extend(predict_rows([data[i] for i in test], m))
    return thresholds, rows


def nested_cut_rows(data, models, folds) -> list[dict]:
    """Out-of-fold rows with each fold's cuts tuned on the other folds' out-of-fold scores only. The
    reported figures tune the cuts on every out-of-fold score, the articles they are scored on included;
    this says how much that flatters them. The fold models are used as they stand (weights already set)."""
    for m in models:
        m.stance.thresholds = m.issue.thresholds = {}
    s_oof, i_oof = _oof_scores(data, models, folds)
    rows = []
    for k, (m, (_, test)) in enumerate(zip(models, folds, strict=True)):
        others = [i for j, (_, t) in enumerate(folds) if j != k for i in t]
        m.stance.thresholds, m.issue.thresholds = _tuned(data, s_oof, i_oof, sorted(others))
        rows.extend(predict_rows([data[i] for i in test], m))
    return rows


def _oof_scores(data, models, folds) -> tuple[dict, dict]:
    """Per article: each candidate's p(stance) and each gold position's p(issue), from the model of the fold
    that did not train on it."""
    s_oof, i_oof = {}, {}
    for m, (_, test) in zip(models, folds, strict=True):
        for i in test:
            d = data[i]
            s_oof[i] = m.stance_proba(d["cands"], encoded=d.get("enc"))
            texts = [t for t, _, _, _ in d["issues"]]
            i_oof[i] = m.issue.proba(texts, texts, [issue_feats(t, s, c) for t, s, _, c in d["issues"]])
    return s_oof, i_oof


def _tuned(data, s_oof, i_oof, articles) -> tuple[dict, dict]:
    """(stance cuts, issue cuts) tuned on the out-of-fold scores of `articles`."""
    s_probs = np.vstack([s_oof[i] for i in articles if len(data[i]["cands"])])
    s_y = [y for i in articles for y in data[i]["y"]]
    i_probs = np.vstack([i_oof[i] for i in articles if len(data[i]["issues"])])
    i_y = [iss for i in articles for _, _, iss, _ in data[i]["issues"]]
    return tune_thresholds(s_probs, s_y, STANCES), tune_thresholds(i_probs, i_y, ISSUES)


def save_oof_parts(data, models, folds, path: Path) -> None:
    """Per candidate, out of fold: p(holds), the linear and the encoder's p(stance | holds), the gold
    stances, and what the scorer matches on (article, sentence, actor) and the context a decision rule may
    read (sentence index, holder rule): deciding stances can then be studied in seconds, not a refit."""
    from core.extract.pipeline import _trimmed

    cols = defaultdict(list)
    for m, (_, test) in zip(models, folds, strict=True):
        for i in test:
            d, cands = data[i], data[i]["cands"]
            if not cands:
                continue
            hold, given = m.stance.parts([c.text for c in cands], [c.local for c in cands], [c.feats for c in cands])
            enc = d.get("enc", np.full((len(cands), len(STANCES)), np.nan))
            for j, c in enumerate(cands):
                start, end = _trimmed(c.sentence, d["article"]["text"])
                for key, value in (("hold", hold[j]), ("linear", given[j]), ("encoder", enc[j]),
                                   ("gold", "|".join(sorted(d["y"][j]))), ("article_id", d["article"]["id"]),
                                   ("sentence", d["article"]["text"][start:end]), ("actor", c.actor),
                                   ("sent_index", c.sent_index), ("how", c.how)):
                    cols[key].append(value)
    np.savez_compressed(path, labels=np.array(STANCES), **{k: np.array(v) for k, v in cols.items()})
    print(f"wrote {path}: out-of-fold parts of {len(cols['hold'])} candidates")


def report(title: str, rep: dict) -> None:
    print(f"{title}: L1 P={rep['L1']['precision']:.3f} R={rep['L1']['recall']:.3f} F1={rep['L1']['f1']:.3f} | "
          f"L2 F1={rep['L2']['f1']:.3f} | " + " ".join(
              f"{k}={v['accuracy']}" for k, v in rep["attributes"].items()))
    print("   per stance F1: " + " ".join(f"{s}={m['f1']:.2f}" for s, m in rep["per_stance_L1"].items()))


def load_examples(shared: Path):
    """The dev gold's articles, parsed (cached), as training examples; and what the scores need."""
    scorer = load_scorer(shared)
    gold = read_jsonl(shared / "gold" / "dev.jsonl")
    gold_by = defaultdict(list)
    for g in gold:
        gold_by[g["article_id"]].append(g)
    files = sorted((shared / "corpus").glob("*.jsonl"))
    corpus = [dict(a, _file=f.name) for f in files for a in read_jsonl(f)]
    articles = [a for a in corpus if a["id"] in gold_by]  # train only on articles the dev gold covers
    data, missed = build_examples(articles, parsed_docs(articles), gold_by, scorer)
    for d in data:
        d["gold"] = gold_by[d["article"]["id"]]
    return data, dict(scorer=scorer, gold=gold, missed=missed)


# The dev gold before it grew (seed, articles.jsonl, articles2.jsonl): figures on it compare with earlier reports.
FIRST_GOLD_FILES = ("seed.jsonl", "articles.jsonl", "articles2.jsonl")


def first_gold(data, gold) -> list[dict]:
    ids = {d["article"]["id"] for d in data if d["article"]["_file"] in FIRST_GOLD_FILES}
    return [g for g in gold if g["article_id"] in ids]


def attach_encoder_oof(data, path: Path, pairs_path: Path) -> None:
    """The fine-tuned encoder's out-of-fold p(stance | holds) for every candidate (from
    scripts/finetune_encoder.py --oof over the pairs --dump-pairs wrote), matched by article and input
    text. A candidate the pairs lack (the extractor changed since) gets an even spread, the encoder's
    "no opinion"; more than a few such and the scores belong to other candidates: stop."""
    import json

    from core.extract.encoder import encoder_input

    flat = np.load(path)
    keys = [(art["id"], text) for art in json.loads(pairs_path.read_text())["articles"] for text in art["texts"]]
    if len(keys) != len(flat):
        raise SystemExit(f"{path} holds {len(flat)} candidates, {pairs_path} {len(keys)}: fine-tune again")
    scores = dict(zip(keys, flat, strict=True))
    even = np.full(flat.shape[1], 1.0 / flat.shape[1], dtype=flat.dtype)
    missing = 0
    for d in data:
        mine = [(d["article"]["id"], encoder_input(c)) for c in d["cands"]]
        missing += sum(k not in scores for k in mine)
        d["enc"] = np.array([scores.get(k, even) for k in mine]).reshape(len(mine), flat.shape[1])
    n = sum(len(d["cands"]) for d in data)
    if missing > 0.01 * n:
        raise SystemExit(f"{missing} of {n} candidates have no encoder scores: dump the pairs and fine-tune again")
    print(f"encoder scores out of fold for {n - missing} of {n} candidates ({missing} not in the pairs: an even spread)")


def attach_issue_oof(data, path: Path, pairs_path: Path) -> None:
    """The issue network's out-of-fold p(issue) for every sentence under every stance (rows: sentence by
    sentence, the stances in STANCES order), matched by article; the sentences must be those the pairs
    were dumped from."""
    import json

    flat = np.load(path)
    arts = json.loads(pairs_path.read_text())["issue_articles"]
    sizes = [len(a["texts"]) * len(STANCES) for a in arts]
    if sum(sizes) != len(flat):
        raise SystemExit(f"{path} holds {len(flat)} rows, {pairs_path} asks for {sum(sizes)}: fine-tune again")
    starts = dict(zip((a["id"] for a in arts), np.cumsum([0] + sizes), strict=False))
    by_id = {a["id"]: a for a in arts}
    for d in data:
        a, mine = by_id.get(d["article"]["id"]), [i.span.text for i in d["infos"]]
        if a is None or a["texts"] != mine:
            raise SystemExit(f"{d['article']['id']}: its sentences changed since the issue network's scores: "
                             "dump the pairs and fine-tune again")
        start = starts[a["id"]]
        d["issue_enc"] = flat[start:start + len(mine) * len(STANCES)].reshape(len(mine), len(STANCES), -1)
    print(f"issue network scores out of fold for {len(flat)} sentence-stance pairs")


def write_rows(rows, path: Path) -> None:
    import json

    path.write_text("".join(json.dumps(r, default=str) + "\n" for r in rows))


def issue_pairs(data, fold_of) -> list[dict]:
    """Per article every sentence, and per sentence the gold's positions there as {stance, issues} (a
    sentence with three positions counts three times); the issue network reads issue_input(sentence, stance)."""
    out = []
    for i, d in enumerate(data):
        y = [[] for _ in d["infos"]]
        for (sent, _, stance), issues in d["issue_rows"].items():
            y[sent].append({"stance": stance, "issues": sorted(issues)})
        out.append({"id": d["article"]["id"], "fold": fold_of[i], "texts": [x.span.text for x in d["infos"]], "y": y})
    return out


def dump_pairs(data, path: Path) -> int:
    """What fine-tuning the networks needs, in the fold order every cross-validated figure uses: per
    article its candidates' encoder inputs and gold stances (empty: holds no position there), and
    (issue_articles) its sentences with the gold's positions and issues in each."""
    import json

    from core.extract.encoder import encoder_input

    folds = make_folds(len(data))
    fold_of = {i: k for k, (_, test) in enumerate(folds) for i in test}
    arts = [{"id": d["article"]["id"], "fold": fold_of[i], "texts": [encoder_input(c) for c in d["cands"]],
             "y": [sorted(y) for y in d["y"]]} for i, d in enumerate(data)]
    path.write_text(json.dumps({"folds": len(folds), "labels": list(STANCES), "articles": arts,
                                "issue_labels": list(ISSUES), "issue_articles": issue_pairs(data, fold_of)}))
    print(f"wrote {path}: {len(arts)} articles, {sum(len(a['texts']) for a in arts)} candidates, "
          f"{sum(bool(y) for a in arts for y in a['y'])} holding a position")
    return 0


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(DEFAULT_SHARED))
    ap.add_argument("--out", default=str(ROOT / "models" / "position_model.joblib"))
    ap.add_argument("--C", type=float, default=1.0, help="regularisation of the holder model (and of --one-vs-rest)")
    ap.add_argument("--C-stance", type=float, default=C_STANCE, help="regularisation of p(stance | holds)")
    ap.add_argument("--C-issue", type=float, default=5.0)
    ap.add_argument("--one-vs-rest", dest="factored", action="store_false",
                    help="one classifier per stance over all candidates instead of holder x stance")
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--dict-weight", type=float, default=DICT_WEIGHT,
                    help="scale of the parse and cue features against the n-grams (stance model)")
    ap.add_argument("--issue-dict-weight", type=float, default=ISSUE_DICT_WEIGHT,
                    help="scale of the issue-lexicon and context features against the n-grams (issue model)")
    ap.add_argument("--encoder-oof", metavar="NPY", help="the fine-tuned encoder's out-of-fold stance probabilities "
                    "(scripts/finetune_encoder.py --oof); without it the linear model decides alone")
    ap.add_argument("--encoder-pairs", metavar="JSON", help="the pairs the out-of-fold scores were made from "
                    "(--dump-pairs)")
    ap.add_argument("--encoder-weights", default=ENCODER_WEIGHTS,
                    help="the encoder's shares of p(stance | holder) to cross-validate (the best is kept; "
                         "the linear model alone is always measured)")
    ap.add_argument("--issue-encoder-oof", metavar="NPY", help="the issue network's out-of-fold probabilities, one row "
                    "per sentence of the pairs' issue_articles (scripts/finetune_encoder.py --task issue --oof)")
    ap.add_argument("--issue-encoder-weights", default=ISSUE_ENCODER_WEIGHTS,
                    help="the issue network's shares of p(issue) to cross-validate (best L2 kept; 0 always measured)")
    ap.add_argument("--curve", default="", help="training shares for a learning curve, e.g. 0.25,0.5,0.75")
    ap.add_argument("--cv-rows", metavar="JSONL", help="also write the chosen variant's out-of-fold rows (error analysis "
                    "with ../shared/eval/score.py)")
    ap.add_argument("--oof-parts", metavar="NPZ", help="also save every candidate's out-of-fold p(holds) and "
                    "p(stance | holds), linear and encoder, with its gold stances (scripts/decision_study.py)")
    ap.add_argument("--dump-pairs", metavar="JSON", help="write the encoder's training pairs (every candidate's "
                    "input text and gold stances, and the article folds) for scripts/finetune_encoder.py, and stop")
    args = ap.parse_args(argv)
    if (args.encoder_oof or args.issue_encoder_oof) and not args.encoder_pairs:
        ap.error("--encoder-oof needs --encoder-pairs: the scores are matched to candidates through the pairs")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "gold" / "dev.jsonl").exists():
        print(f"no gold at {shared}/gold/dev.jsonl: nothing to train on", file=sys.stderr)
        return 2
    t0 = time.time()
    data, ctx = load_examples(shared)
    if args.dump_pairs:
        return dump_pairs(data, Path(args.dump_pairs))
    scorer, gold, missed = ctx["scorer"], ctx["gold"], ctx["missed"]
    args.encoder_weight = max(float(w) for w in args.encoder_weights.split(","))
    if args.encoder_oof:
        attach_encoder_oof(data, Path(args.encoder_oof), Path(args.encoder_pairs))
    if args.issue_encoder_oof:
        attach_issue_oof(data, Path(args.issue_encoder_oof), Path(args.encoder_pairs))
    n_c = sum(len(d["cands"]) for d in data)
    print(f"{len(data)} articles, {n_c} candidates; gold positions reachable by a candidate: "
          f"{missed['covered']} (no sentence: {missed['sentence']}, actor not a candidate: {missed['actor']}) "
          f"[{time.time() - t0:.0f}s]")
    weights = sorted({0.0, *(float(w) for w in args.encoder_weights.split(","))}) if "enc" in data[0] else [0.0]
    args.issue_encoder_weight = 0.0   # encoder weights first, issues by the linear model; then the issue network
    models, folds = fold_models(data, args)
    if args.oof_parts:
        save_oof_parts(data, models, folds, Path(args.oof_parts))
    variants = oof_variants(data, models, folds, weights)
    scores = {w: scorer.score(gold, rows) for w, (_, rows) in variants.items()}
    for w, rep in scores.items():
        report(f"cross-validated by article ({N_FOLDS} folds, {len(data)} articles), encoder weight {w}", rep)
    # the weight with the best cross-validated L1 (then L2); a choice among a few, so say all of them
    args.encoder_weight = max(weights, key=lambda w: (scores[w]["L1"]["f1"], scores[w]["L2"]["f1"]))
    print(f"   chosen encoder weight: {args.encoder_weight}")
    issue_scores = choose_issue_weight(data, models, folds, args, scorer, gold, variants, scores)
    alone, cv = scores[0.0], scores[args.encoder_weight]
    thresholds, cv_rows = variants[args.encoder_weight]
    if args.cv_rows:
        write_rows(cv_rows, Path(args.cv_rows))
    curve = learning_curve(data, args, scorer, gold) if args.curve else []
    first_gold_rows = first_gold(data, gold)
    first_rows = {w: scorer.score(first_gold_rows, rows) for w, (_, rows) in variants.items()}
    curve += [{"fraction": 1.0, "encoder_weight": w, "L1_f1": scores[w]["L1"]["f1"], "L2_f1": scores[w]["L2"]["f1"],
               "first_gold_L1_f1": first_rows[w]["L1"]["f1"], "first_gold_L2_f1": first_rows[w]["L2"]["f1"]}
              for w in sorted({0.0, args.encoder_weight})]
    first = first_rows[args.encoder_weight]
    report(f"  of which the first {first['articles']} dev articles", first)
    for m in models:
        m.encoder_weight, m.issue_encoder_weight = args.encoder_weight, args.issue_encoder_weight
    nested = scorer.score(gold, nested_cut_rows(data, models, folds))
    report("cross-validated with each fold's cuts tuned on the other folds only", nested)
    confusion = stance_confusion(data, cv_rows)
    print_confusion(confusion)
    by_confidence = confidence_table(scorer, gold, cv_rows)
    print("   by confidence (unseen articles): " + " ".join(
        f">={r['min_confidence']}: P={r['precision']:.2f} R={r['recall']:.2f}" for r in by_confidence))
    model = fit_position_model(data, args, thresholds)
    for d in data:  # held in: the shipped networks (models/) run as in the app, not the out-of-fold scores
        d.pop("enc", None)
        d.pop("issue_enc", None)
    held_in = scorer.score(gold, predict_rows(data, model))
    report("held-in (trained on all dev articles)", held_in)
    model.info = {"trained_on_articles": len(data), "candidates": n_c, "folds": N_FOLDS,
                  "thresholds": {"stance": thresholds[0], "issue": thresholds[1]},
                  "encoder_weight": model.encoder_weight, "C_holder": args.C, "C_stance": args.C_stance,
                  "cv": {**_brief(cv), "by_confidence": by_confidence}, "cv_first_gold": _brief(first),
                  "cv_linear_alone": _brief(alone), "cv_nested_cuts": _brief(nested),
                  "cv_by_encoder_weight": {str(w): {"L1_f1": r["L1"]["f1"], "L2_f1": r["L2"]["f1"]}
                                           for w, r in scores.items()},
                  "issue_encoder_weight": model.issue_encoder_weight, "cv_by_issue_encoder_weight": issue_scores,
                  "held_in": _brief(held_in), "learning_curve": curve, "stance_confusion": confusion,
                  "train_seconds": round(time.time() - t0)}
    if not args.no_save:
        import joblib

        joblib.dump(model, args.out, compress=3)
        print(f"saved {args.out} ({Path(args.out).stat().st_size / 1e6:.2f} MB) [{time.time() - t0:.0f}s]")
    return 0


def choose_issue_weight(data, models, folds, args, scorer, gold, variants, scores) -> dict:
    """The issue network's share of p(issue), cross-validated at the chosen encoder weight (best L2; the
    stances, and so L1, do not depend on it). Its variant's rows replace that weight's in `variants` and
    `scores`. Returns L2 per share tried ({} without the network's out-of-fold scores)."""
    if "issue_enc" not in data[0]:
        args.issue_encoder_weight = 0.0
        return {}
    for m in models:
        m.encoder_weight = args.encoder_weight
    shares = sorted({0.0, *(float(w) for w in args.issue_encoder_weights.split(","))})
    tried = oof_variants(data, models, folds, shares, attr="issue_encoder_weight")
    l2 = {w: scorer.score(gold, rows) for w, (_, rows) in tried.items()}
    for w, rep in l2.items():
        print(f"   issue network share {w}: L2 F1={rep['L2']['f1']:.4f} (L1 {rep['L1']['f1']:.4f})")
    args.issue_encoder_weight = max(shares, key=lambda w: l2[w]["L2"]["f1"])
    print(f"   chosen issue network share: {args.issue_encoder_weight}")
    variants[args.encoder_weight] = tried[args.issue_encoder_weight]
    scores[args.encoder_weight] = l2[args.issue_encoder_weight]
    return {str(w): r["L2"]["f1"] for w, r in l2.items()}


def learning_curve(data, args, scorer, gold) -> list[dict]:
    """Cross-validated L1/L2 with each fold's linear model trained on a share of its training articles
    (thresholds tuned out of fold at each share, as for the full model): how much more annotation is worth.
    The linear model alone: the encoder's out-of-fold scores come from networks trained on whole folds,
    and fine-tuning one per share costs more CPU than the curve is worth."""
    out = []
    first = first_gold(data, gold)
    linear = argparse.Namespace(**{**vars(args), "issue_encoder_weight": 0.0})
    for fraction in [float(x) for x in args.curve.split(",") if x]:
        for w, (_, rows) in cross_validate(data, linear, fraction, weights=(0.0,)).items():
            rep, rep1 = scorer.score(gold, rows), scorer.score(first, rows)
            out.append({"fraction": fraction, "encoder_weight": w, "L1_f1": rep["L1"]["f1"], "L2_f1": rep["L2"]["f1"],
                        "first_gold_L1_f1": rep1["L1"]["f1"], "first_gold_L2_f1": rep1["L2"]["f1"]})
            print(f"   learning curve, {fraction:.2f} of the training articles, encoder weight {w}: "
                  f"L1 {rep['L1']['f1']:.3f} L2 {rep['L2']['f1']:.3f} "
                  f"(first dev articles L1 {rep1['L1']['f1']:.3f} L2 {rep1['L2']['f1']:.3f})", flush=True)
    return out


def stance_confusion(data, rows) -> dict:
    """Out of fold, per (sentence, actor) the gold holds a position for and the extractor found: gold
    stance -> the extractor's top stance there ("-" where it gave that actor no stance in that sentence)."""
    ours = defaultdict(dict)
    for r in rows:
        key = (r["article_id"], r["char_start"], r["actor"])
        ours[key][r["stance"]] = max(ours[key].get(r["stance"], 0.0), r["confidence"])
    out = defaultdict(Counter)
    for d in data:
        for (i, actor), gold_stances in _gold_groups(d).items():
            got = ours.get((d["article"]["id"], _start(d, i), actor), {})
            top = max(got, key=got.get) if got else "-"
            for s in gold_stances:
                out[s][top] += 1
    return {s: dict(c) for s, c in sorted(out.items())}


def _gold_groups(d) -> dict:
    return {(c.sent_index, c.actor): y for c, y in zip(d["cands"], d["y"], strict=True) if y}


def _start(d, i) -> int:
    span = d["infos"][i].span
    text = d["article"]["text"]
    start = span.start_char
    while start < span.end_char and text[start].isspace():
        start += 1
    return start


def print_confusion(confusion: dict) -> None:
    cols = [*STANCES, "-"]
    print("   stance confusion out of fold (rows gold, columns the extractor's top stance; '-' none):")
    print("   " + " " * 11 + " ".join(f"{c[:5]:>5}" for c in cols))
    for s in STANCES:
        row = confusion.get(s, {})
        print(f"   {s:<11}" + " ".join(f"{row.get(c, 0):>5}" for c in cols))


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
