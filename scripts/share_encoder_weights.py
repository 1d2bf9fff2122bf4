"""Store the two networks' weights once: the stance and issue networks (models/*.onnx) start from the
same checkpoint and keep its word embeddings and bottom two layers, so about two thirds of their int8
weights are byte for byte the same. Every large weight moves to one file beside them
(models/encoder_weights.bin, each distinct tensor once) and the graphs point into it (ONNX external
data, which ONNX Runtime reads with the graph). Run after fine-tuning (scripts/train.sh does):

    .venv-train/bin/python scripts/share_encoder_weights.py models/sentence_encoder.onnx models/issue_encoder.onnx

Idempotent: graphs that already point into the file are read through it and written again.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

WEIGHTS_NAME = "encoder_weights.bin"
MIN_BYTES = 1024   # small tensors (biases, scales) stay in their graph


def share(paths: list[Path], weights: Path) -> dict:
    import onnx

    models = [onnx.load(str(p)) for p in paths]          # external data resolved: every tensor in memory
    blob, where = bytearray(), {}
    for m in models:
        for t in m.graph.initializer:
            if t.HasField("raw_data") and len(t.raw_data) >= MIN_BYTES:
                key = hashlib.sha256(t.raw_data).hexdigest() + f"{t.data_type}{list(t.dims)}"
                if key not in where:
                    where[key] = (len(blob), len(t.raw_data))
                    blob += t.raw_data
                _point(t, weights.name, *where[key])
    tmp = weights.with_suffix(".tmp")
    tmp.write_bytes(bytes(blob))
    for m, p in zip(models, paths, strict=True):
        onnx.save(m, str(p))
    os.replace(tmp, weights)
    return {"weights_bytes": len(blob), "tensors": len(where),
            "graphs_bytes": {p.name: p.stat().st_size for p in paths}}


def _point(tensor, location: str, offset: int, length: int) -> None:
    import onnx

    tensor.ClearField("raw_data")
    del tensor.external_data[:]
    for k, v in (("location", location), ("offset", str(offset)), ("length", str(length))):
        entry = tensor.external_data.add()
        entry.key, entry.value = k, v
    tensor.data_location = onnx.TensorProto.EXTERNAL


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graphs", nargs="+", help="ONNX files in one folder")
    args = ap.parse_args(argv)
    paths = [Path(g) for g in args.graphs]
    if len({p.parent.resolve() for p in paths}) != 1:
        raise SystemExit("the graphs must sit in one folder: they point into a file beside them")
    print(share(paths, paths[0].parent / WEIGHTS_NAME))
    return 0


if __name__ == "__main__":
    sys.exit(main())
