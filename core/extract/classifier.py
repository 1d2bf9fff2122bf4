"""The learned part: stance-per-candidate and issue-per-position classifiers (scikit-learn).

One artifact, models/position_model.joblib, built by scripts/train_model.py from
the dev gold. It holds plain scikit-learn objects (TF-IDF vectorizers, a
DictVectorizer, one-vs-rest logistic regressions) and the per-label thresholds
chosen by cross-validation by article. Nothing is downloaded at run time.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

from core.extract.encoder import ISSUE_ONNX_NAME, encoder_input, issue_input, load_encoder
from core.extract.issues import issue_hits
from core.paths import MODELS_DIR
from core.schema import ISSUES, STANCES

MODEL_PATH = MODELS_DIR / "position_model.joblib"
def issue_feats(text: str, stance: str, context: dict | None = None) -> dict:
    f = {f"stance={stance}": 1.0, **(context or {})}
    for issue, ids in issue_hits(text).items():
        f[f"lex={issue}"] = 1.0
        f[f"lex&stance={issue}_{stance}"] = 1.0
        for i in ids:
            f[f"lex_id={i}"] = 1.0
    return f


@dataclass
class LabelModel:
    """Vectorizers + one binary classifier per label + a threshold per label."""
    labels: tuple[str, ...]
    text_vec: object
    local_vec: object | None
    dict_vec: object
    classifiers: dict = field(default_factory=dict)   # label -> fitted estimator (absent: never seen)
    thresholds: dict = field(default_factory=dict)
    # The parse and cue features are few against tens of thousands of n-grams; scaling them up makes
    # them cheaper under the same regularisation, so the model leans on what generalises across articles.
    dict_weight: float = 1.0

    def matrix(self, texts, locals_, dicts):
        parts = [_transform_unique(self.text_vec, texts)]
        if self.local_vec is not None:
            parts.append(_transform_unique(self.local_vec, locals_))
        parts.append(self.dict_vec.transform(dicts) * self.dict_weight)
        return sparse.hstack(parts).tocsr()

    def proba(self, texts, locals_, dicts) -> np.ndarray:
        out = np.zeros((len(texts), len(self.labels)))
        if not len(texts):
            return out
        X = self.matrix(texts, locals_, dicts)
        for j, label in enumerate(self.labels):
            clf = self.classifiers.get(label)
            if clf is not None:
                out[:, j] = clf.predict_proba(X)[:, 1]
        return out


def _transform_unique(vec, texts):
    """Vectorize each distinct text once: a sentence comes back once per candidate actor."""
    index: dict[str, int] = {}
    rows = [index.setdefault(t, len(index)) for t in texts]
    return vec.transform(list(index))[rows]


@dataclass
class FactoredModel(LabelModel):
    """p(stance s | candidate) = p(candidate holds a position) x p(s | it holds one).

    The first factor learns who speaks from every candidate; the second learns what
    is said only from candidates that hold a position, so the rarer stances are not
    drowned by the many candidates that hold none.
    """
    hold_clf: object = None
    stance_clf: object = None

    def proba(self, texts, locals_, dicts) -> np.ndarray:
        hold, given = self.parts(texts, locals_, dicts)
        return hold[:, None] * given

    def parts(self, texts, locals_, dicts) -> tuple[np.ndarray, np.ndarray]:
        """(p(holds a position), p(stance | holds one) in `labels` order), one row per candidate."""
        hold, given = np.zeros(len(texts)), np.zeros((len(texts), len(self.labels)))
        if not len(texts) or self.hold_clf is None:
            return hold, given
        X = self.matrix(texts, locals_, dicts)
        hold = self.hold_clf.predict_proba(X)[:, 1]
        probs = self.stance_clf.predict_proba(X)
        for k, label in enumerate(self.stance_clf.classes_):
            given[:, self.labels.index(label)] = probs[:, k]
        return hold, given


@dataclass
class SoftmaxModel(LabelModel):
    """One multinomial classifier over the labels (issues: nine positions in ten have exactly one)."""
    clf: object = None

    def proba(self, texts, locals_, dicts) -> np.ndarray:
        out = np.zeros((len(texts), len(self.labels)))
        if not len(texts) or self.clf is None:
            return out
        given = self.clf.predict_proba(self.matrix(texts, locals_, dicts))
        for k, label in enumerate(self.clf.classes_):
            out[:, self.labels.index(label)] = given[:, k]
        return out


@dataclass
class PositionModel:
    model_id: str
    stance: LabelModel
    issue: LabelModel
    target_prior: dict           # actor -> most frequent target (or None)
    info: dict = field(default_factory=dict)   # training and cross-validation figures
    target_ranker: tuple | None = None          # (DictVectorizer, LogisticRegression) over target options
    # The fine-tuned encoder's share of p(stance | holder) (core/extract/encoder.py); 0, or no encoder in
    # models/: the linear model decides alone.
    encoder_weight: float = 0.0
    # The issue network's share of p(issue) (core/extract/encoder.py); 0: the linear issue model alone.
    issue_encoder_weight: float = 0.0

    def stance_proba(self, cands, encoded: np.ndarray | None = None) -> np.ndarray:
        """p(stance) per candidate: the holder model's p(holds) times p(stance | holds), the latter
        averaged with the encoder's where the encoder is used. `encoded`: the encoder's p(stance | holds)
        for every candidate, given (training: out of fold); else the encoder runs here on the candidates
        that matter."""
        args = ([c.text for c in cands], [c.local for c in cands], [c.feats for c in cands])
        if not self.uses_encoder():
            return self.stance.proba(*args)
        hold, given = self.stance.parts(*args)
        keep = np.flatnonzero(hold >= self.encoder_min_hold())
        probs = encoded[keep] if encoded is not None else self._encode([cands[k] for k in keep])
        if len(keep) and probs is not None:
            w = self.encoder_weight
            given[keep] = (1 - w) * given[keep] + w * probs
        return hold[:, None] * given

    def uses_encoder(self) -> bool:
        return isinstance(self.stance, FactoredModel) and bool(self.encoder_weight)

    def encoder_min_hold(self) -> float:
        """Below the lowest stance threshold no stance can be kept whatever the encoder says
        (p(stance) <= p(holds)), so the encoder is skipped there: exact, and most candidates."""
        return min(self.stance.thresholds.values(), default=0.0)

    def _encode(self, cands) -> np.ndarray | None:
        enc = load_encoder()
        return None if enc is None or not cands else enc.proba([encoder_input(c) for c in cands], self.stance.labels)

    def issues_for(self, items: list[tuple[str, str, dict]], encoded: np.ndarray | None = None
                   ) -> list[list[tuple[str, float]]]:
        """(sentence text, stance, context features) -> issues, best first (at least one). `encoded`: the
        issue network's p(issue) per item, given (training: out of fold); else it runs here."""
        texts = [t for t, _, _ in items]
        probs = self.issue.proba(texts, texts, [issue_feats(t, s, c) for t, s, c in items])
        w = getattr(self, "issue_encoder_weight", 0.0)   # models saved before the issue network lack it
        if w and len(items):
            enc = encoded if encoded is not None else self._encode_issues(items)
            if enc is not None:
                probs = (1 - w) * probs + w * enc
        return [_pick_issues(row, self.issue.labels) for row in probs]

    def _encode_issues(self, items) -> np.ndarray | None:
        """p(issue) per (sentence, stance) item, each distinct pair read once."""
        enc = load_encoder(name=ISSUE_ONNX_NAME)
        if enc is None:
            return None
        inputs = [issue_input(t, s) for t, s, _ in items]
        unique = list(dict.fromkeys(inputs))
        got = dict(zip(unique, enc.proba(unique, self.issue.labels), strict=True))
        return np.array([got[x] for x in inputs])


def _pick_labels(row, labels, thresholds, *, at_least_one: bool) -> list[tuple[str, float]]:
    chosen = [(labels[j], float(p)) for j, p in enumerate(row) if p >= thresholds.get(labels[j], 0.5)]
    if not chosen and at_least_one:
        j = int(np.argmax(row))
        chosen = [(labels[j], float(row[j]))]
    return sorted(chosen, key=lambda x: -x[1])


SECOND_ISSUE = 0.25  # nine positions in ten have one issue; a second above this cut (CV best of 0.15-0.5 for L2)


def _pick_issues(row, labels) -> list[tuple[str, float]]:
    order = np.argsort(-row)
    keep = [order[0]] + [j for j in order[1:3] if row[j] >= SECOND_ISSUE]
    return [(labels[j], float(row[j])) for j in keep]


def stances_above(row, model: PositionModel) -> list[tuple[str, float]]:
    return _pick_labels(row, model.stance.labels, model.stance.thresholds, at_least_one=False)


@functools.lru_cache(maxsize=2)
def load_model(path: str | None = None) -> PositionModel | None:
    """The committed model, or None when it has not been trained yet (the pipeline then uses cues)."""
    p = Path(path) if path else MODEL_PATH
    if not p.exists():
        return None
    import joblib

    return joblib.load(p)   # saved under this module's path (core.extract.classifier) by scripts/train_model.py


__all__ = ["PositionModel", "LabelModel", "load_model", "issue_feats", "stances_above", "STANCES", "ISSUES"]
