"""Reading articles from files. PROVISIONAL: JSON lines only; the full reader replaces this."""
from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


@dataclass
class ReadResult:
    articles: list[dict] = field(default_factory=list)  # keys of core.schema.ARTICLE_COLUMNS
    problems: list[Problem] = field(default_factory=list)


def read_inputs(paths, *, published: str | None = None) -> ReadResult:
    result = ReadResult()
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as err:
                    result.problems.append(Problem(str(path), n, f"broken JSON: {err.msg}"))
                    continue
                rec["article_id"] = rec.pop("id", None)
                result.articles.append(rec)
    return result
