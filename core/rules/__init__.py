"""Rules as data: loading and validating the JSONL rule files (datafiles) and compiling their patterns (patterns). The files themselves are in core/data/."""
