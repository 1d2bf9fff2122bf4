"""Measure the "who" half of the extractor on the dev gold: segmentation, holder actors, speakers.

    .venv/bin/python scripts/who_eval.py [--shared ../shared] [--show N] [--article ID]

For each gold sentence, our sentence is the one the scorer would match (overlap
coefficient of word sets >= 0.6, best first). Reports:
  (a) gold sentences recovered (and how many exactly, by character span);
  (b) holder-actor recall and precision against the gold actors of that sentence;
  (c) speaker accuracy by last name (Zelenskiy = Zelensky) where gold names a speaker
      and we found the gold actor.
Parsed docs are cached under /tmp/parley_cache_who (delete it after changing the model).
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.shared_data import DEFAULT_SHARED, corpus_by_id, gold_rows, no_gold  # noqa: E402

CACHE = Path("/tmp/parley_cache_who")


def parsed_docs(nlp, articles: list[dict]):
    """Docs for the articles, from the cache when the texts are unchanged."""
    from spacy.tokens import DocBin

    CACHE.mkdir(exist_ok=True)
    key = hashlib.sha1("".join(a["id"] + a["text"] for a in articles).encode()).hexdigest()[:16]
    path = CACHE / f"docs-{key}.spacy"
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    docs = list(nlp.pipe([a["text"] for a in articles], batch_size=16))
    DocBin(docs=docs).to_disk(path)
    return docs


def evaluate(gold, arts, *, show=0, only=None, min_conf=0.0, drop=()):
    from eval_score import same_sentence, speaker_key, words  # noqa: E402

    from core.extract.nlp import load_nlp
    from core.extract.segment import split_sentences
    from core.extract.speakers import attribute_sentences

    nlp = load_nlp()
    by_art = defaultdict(list)
    for g in gold:
        if not only or g["article_id"] == only:
            by_art[g["article_id"]].append(g)
    ids = sorted(by_art)
    docs = parsed_docs(nlp, [arts[i] for i in ids])
    c = Counter()
    misses = []
    t0 = time.time()
    for aid, doc in zip(ids, docs, strict=True):
        art = arts[aid]
        sents = split_sentences(doc)
        holders = attribute_sentences(doc, sents, published=art["published"])
        holders = [[h for h in hs if h.confidence >= min_conf and h.how not in drop] for hs in holders]
        mine = [(words(s.text), s, h) for s, h in zip(sents, holders, strict=True)]
        gsents = defaultdict(list)
        for g in by_art[aid]:
            gsents[g["sentence"]].append(g)
        gwords = [words(gs) for gs in gsents]
        for w, _, hs in mine:  # holders in sentences no gold position stands in
            if hs and not any(same_sentence(w, gw) >= 0.6 for gw in gwords):
                for h in hs:
                    c[f"how_out:{h.how}"] += 1
        for gs, rows in gsents.items():
            gw = words(gs)
            best = max(mine, key=lambda m: same_sentence(gw, m[0]), default=None)
            c["gold_sents"] += 1
            if best is None or same_sentence(gw, best[0]) < 0.6:
                misses.append(("SEG", aid, gs, None, None))
                continue
            c["recovered"] += 1
            c["exact"] += best[1].text.strip() == gs.strip()
            g_actors = {r["actor"] for r in rows}
            h_actors = {h.actor for h in best[2]}
            c["g_act"] += len(g_actors)
            c["p_act"] += len(h_actors)
            c["tp_act"] += len(g_actors & h_actors)
            if g_actors - h_actors or h_actors - g_actors:
                misses.append(("ACT", aid, gs, sorted(g_actors), best[2]))
            for h in best[2]:
                c[f"how_n:{h.how}"] += 1
                c[f"how_tp:{h.how}"] += h.actor in g_actors
            spk = {h.actor: h.speaker for h in best[2]}
            for r in rows:
                if r.get("speaker") and r["actor"] in spk:
                    c["spk_n"] += 1
                    ok = speaker_key(r["speaker"]) == speaker_key(spk[r["actor"]])
                    c["spk_ok"] += ok
                    if not ok:
                        misses.append(("SPK", aid, gs, r["speaker"], spk[r["actor"]]))
            for r in rows:
                c["rows"] += 1
                c["rows_actor_found"] += r["actor"] in spk
    elapsed = time.time() - t0
    report(c, elapsed, len(ids))
    if show:
        for kind, aid, gs, g, h in misses[:show]:
            print(f"\n[{kind}] {aid}\n  {gs[:300]}\n  gold={g}\n  mine={h}")
    return c


def report(c, elapsed, n_articles):
    def ratio(a, b):
        return a / b if b else 0.0

    p, r = ratio(c["tp_act"], c["p_act"]), ratio(c["tp_act"], c["g_act"])
    print(f"articles {n_articles}; attribution took {elapsed:.1f}s")
    print(f"(a) gold sentences recovered: {c['recovered']}/{c['gold_sents']} = {ratio(c['recovered'], c['gold_sents']):.3f}"
          f"  (exact span {ratio(c['exact'], c['gold_sents']):.3f})")
    print(f"(b) holder actors per sentence: P={p:.3f} R={r:.3f} F1={ratio(2 * p * r, p + r):.3f}"
          f"  (gold rows whose actor we hold: {ratio(c['rows_actor_found'], c['rows']):.3f})")
    hows = sorted(k.split(":", 1)[1] for k in c if k.startswith("how_n:"))
    print("    precision by rule: " + ", ".join(
        f"{h} {ratio(c['how_tp:' + h], c['how_n:' + h]):.2f}/{c['how_n:' + h]}" for h in hows))
    print("    holders in sentences without gold positions: " + ", ".join(
        f"{k.split(':', 1)[1]} {v}" for k, v in sorted(c.items()) if k.startswith("how_out:")))
    print(f"(c) speaker accuracy where gold names one and we hold its actor: "
          f"{c['spk_ok']}/{c['spk_n']} = {ratio(c['spk_ok'], c['spk_n']):.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(DEFAULT_SHARED))
    ap.add_argument("--show", type=int, default=0, help="print the first N misses")
    ap.add_argument("--article", help="only this article id")
    ap.add_argument("--min-conf", type=float, default=0.0, help="ignore holders below this confidence")
    ap.add_argument("--drop", default="", help="comma-separated rule ids (Holder.how) to ignore")
    args = ap.parse_args()
    shared = Path(args.shared)
    if no_gold(shared):
        return 0
    sys.path.insert(0, str(shared / "eval"))
    import importlib

    sys.modules["eval_score"] = importlib.import_module("score")
    gold, arts = gold_rows(shared), corpus_by_id(shared)
    evaluate(gold, arts, show=args.show, only=args.article, min_conf=args.min_conf,
             drop=tuple(x for x in args.drop.split(",") if x))
    return 0


if __name__ == "__main__":
    sys.exit(main())
