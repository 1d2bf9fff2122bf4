"""How good the extractor is: evaluate (the shared scorer over the dev gold) and accuracy (per-stance figures for the pages)."""
