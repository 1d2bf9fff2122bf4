"""Score the extractor on the dev gold with the shared scorer (../shared/eval/score.py).

The scorer is imported by path, never reimplemented, so Parley's figures are the
ones anyone gets from the command line. When ../shared is absent, `evaluate`
raises SharedMissing with a message saying what is needed.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import time
from pathlib import Path

from core.paths import shared_dir


class SharedMissing(FileNotFoundError):
    pass


def load_scorer(shared: Path):
    """The shared scorer (SHARED/eval/score.py), a standalone script outside the package, loaded by path."""
    path = Path(shared) / "eval" / "score.py"
    if not path.exists():
        raise SharedMissing(f"no scorer at {path}: evaluation needs ../shared (eval/score.py, gold/, corpus/)")
    spec = importlib.util.spec_from_file_location("parley_shared_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def evaluate(*, gold: Path | None = None, corpus: Path | None = None, shared: Path | None = None,
             progress=None) -> dict:
    """Extract the gold's articles from the corpus and score them; returns the scorer's report plus run facts."""
    from core import EXTRACTOR_VERSION, extract_corpus
    from core.ingest.readers import read_inputs
    from core.schema import articles_frame
    from core.storage.writers import to_jsonl

    shared = shared_dir(shared)
    gold = Path(gold) if gold else Path(shared) / "gold" / "dev.jsonl"
    corpus = Path(corpus) if corpus else Path(shared) / "corpus"
    if not gold.exists() or not corpus.is_dir():
        raise SharedMissing(f"gold {gold} or corpus {corpus} is missing: evaluation needs ../shared beside the project")
    scorer = load_scorer(gold.parent.parent if not (Path(shared) / "eval").exists() else shared)
    gold_rows = scorer.load(str(gold))
    wanted = {str(r["article_id"]) for r in gold_rows}
    articles = [a for a in read_inputs(sorted(corpus.glob("*.jsonl"))).articles if a.get("article_id") in wanted]
    t0 = time.perf_counter()
    positions = extract_corpus(articles_frame(articles), progress=progress)
    seconds = time.perf_counter() - t0
    pred_rows = [json.loads(line) for line in to_jsonl(positions).splitlines() if line.strip()]
    report = scorer.score(gold_rows, pred_rows)
    report["run"] = {"extractor_version": EXTRACTOR_VERSION, "gold": gold.name, "articles_extracted": len(articles),
                     "positions": len(positions), "seconds": round(seconds, 1),
                     "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    report["model"] = _model_info()
    if report["model"].get("cv"):
        report["note"] = ("The model was trained on the dev gold, so dev figures are held-in; "
                          "model.cv (cross-validated by article) estimates articles it has not seen.")
    return report


def _model_info() -> dict:
    from core.extract.classifier import load_model

    model = load_model()
    return {"id": model.model_id, **model.info} if model is not None else {"id": None}


def format_report(rep: dict) -> str:
    lines = [f"articles scored: {rep['articles']}  (extracted {rep['run']['articles_extracted']} in "
             f"{rep['run']['seconds']} s, extractor {rep['run']['extractor_version']})"]
    for level in ("L1", "L2"):
        m = rep[level]
        lines.append(f"{level}  P={m['precision']:.3f}  R={m['recall']:.3f}  F1={m['f1']:.3f}  "
                     f"(tp={m['tp']} gold={m['gold']} pred={m['pred']})")
    for k, v in rep["attributes"].items():
        acc = "n/a" if v["accuracy"] is None else f"{v['accuracy']:.3f}"
        lines.append(f"{k:8s} accuracy on L1 matches: {acc} (n={v['n']})")
    lines.append("per stance (L1):")
    for s, m in rep["per_stance_L1"].items():
        lines.append(f"  {s:12s} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f} "
                     f"gold={m['gold']} pred={m['pred']}")
    cv = rep.get("model", {}).get("cv")
    if cv:
        lines.append(f"model {rep['model']['id']}: cross-validated by article L1 F1={cv['L1_f1']:.3f} "
                     f"L2 F1={cv['L2_f1']:.3f}; held-in L1 F1={rep['model']['held_in']['L1_f1']:.3f}")
    if rep.get("note"):
        lines.append(f"note: {rep['note']}")
    return "\n".join(lines)


def write_report(rep: dict, path: Path | str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rep, indent=2, sort_keys=True) + "\n", encoding="utf-8")
