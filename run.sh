#!/usr/bin/env bash
# Set up (first time) and start the dashboard; an empty database is filled with the bundled sample article.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
exec .venv/bin/python -m streamlit run app.py --server.address "${PARLEY_ADDRESS:-127.0.0.1}" --server.port "${PARLEY_PORT:-8501}" --browser.gatherUsageStats false "$@"
