#!/usr/bin/env bash
# Set up (first time) and run the whole test suite, including the browser test when chromium is installed.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
exec .venv/bin/python -m pytest -n "${PARLEY_TEST_WORKERS:-2}" "$@"
