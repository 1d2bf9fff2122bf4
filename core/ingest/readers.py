"""Reading articles from files: corpus JSON lines / CSV, and single .txt, .md and .html articles.

`read_inputs(paths)` takes files and folders (searched recursively) and returns
the articles it could read plus a `Problem` for everything it skipped, named by
file (and line, for JSON lines and CSV) and phrased so the user knows what to do.
One bad file or line never stops the rest. `notes` carries things worth telling
that did not cost an article (a file read as cp1252 rather than UTF-8).

Limits (a file or article over them is skipped, with a Problem saying so):
MAX_FILE_BYTES per input file and MAX_ARTICLE_CHARS per article text.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from core.ingest.language import guess_language, is_english

MAX_FILE_BYTES = 20 * 1024 * 1024   # 20 MB: far above any news article or corpus file we expect
MAX_ARTICLE_CHARS = 200_000         # about 30,000 words; longer is a book or a scrape gone wrong
CORPUS_SUFFIXES = (".jsonl", ".json", ".csv")
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
SUPPORTED_SUFFIXES = CORPUS_SUFFIXES + ARTICLE_SUFFIXES
ENCODINGS = ("utf-8", "cp1252", "latin-1")   # tried in this order after any byte-order mark
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
    articles: list[dict] = field(default_factory=list)  # ARTICLE_COLUMNS, and `source`: the file (and line)
    problems: list[Problem] = field(default_factory=list)  # what was skipped, and why
    notes: list[Problem] = field(default_factory=list)     # kept, but worth saying (e.g. the encoding used)


class _Skip(Exception):
    """Raised inside a reader: skip this file (or line) with this reason."""


def read_inputs(paths: Iterable[str | Path], *, published: str | None = None) -> ReadResult:
    """Read every article in `paths` (files or folders); `published` (YYYY-MM-DD) is used for articles without one."""
    result = ReadResult()
    fallback = _fallback_date(published, result)
    seen = _Seen()
    for path in _expand(paths, result):
        for line, record in _read_file(path, result):
            article = _to_article(record, path, line, fallback, result)
            if article is not None and seen.first(article, path, line, result):
                result.articles.append(article)
    return result


# ---------------------------------------------------------------- files and folders

def _expand(paths: Iterable[str | Path], result: ReadResult) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            found = [p for p in files if p.suffix.lower() in SUPPORTED_SUFFIXES]
            if not found:
                result.problems.append(Problem(str(path), None, "folder holds no readable files "
                                               f"({', '.join(SUPPORTED_SUFFIXES)})"))
            _note_unsupported(path, [p for p in files if p.suffix.lower() not in SUPPORTED_SUFFIXES], result)
            yield from found
        elif not path.exists():
            looks_like_host = (path.suffix.lower() not in SUPPORTED_SUFFIXES
                               and re.match(r"(www\.|[\w-]+(\.[\w-]+)*\.[a-z]{2,}(/|$))", str(raw), flags=re.I))
            hint = "; for a web page, write the whole URL (https://...)" if looks_like_host else ""
            result.problems.append(Problem(str(path), None, f"file not found; check the path{hint}"))
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            result.problems.append(Problem(str(path), None, f"unsupported file type {path.suffix or '(none)'!r}; "
                                           f"give {', '.join(SUPPORTED_SUFFIXES)} files"))
        else:
            yield path


def _note_unsupported(folder: Path, skipped: list[Path], result: ReadResult) -> None:
    """One note per folder naming the files it holds that no reader takes (.png, .pdf, no extension)."""
    if not skipped:
        return
    by_type: dict[str, list[str]] = {}
    for p in skipped:
        by_type.setdefault(p.suffix.lower() or "(no extension)", []).append(str(p.relative_to(folder)))
    kinds = "; ".join(f"{kind} x{len(names)}: {', '.join(names[:3])}{', ...' if len(names) > 3 else ''}"
                      for kind, names in sorted(by_type.items()))
    result.notes.append(Problem(str(folder), None, f"skipped {len(skipped)} file{'s' if len(skipped) > 1 else ''} "
                                f"of types Parley does not read ({kinds}); give {', '.join(SUPPORTED_SUFFIXES)}"))


def _read_file(path: Path, result: ReadResult) -> Iterator[tuple[int | None, dict]]:
    """Yield (line, record) pairs; a problem with the whole file is recorded and yields nothing."""
    try:
        text = _read_text(path, result)
        parser = _PARSERS[path.suffix.lower()]
        yield from parser(path, text, result)
    except _Skip as skip:
        result.problems.append(Problem(str(path), None, str(skip)))


def _read_text(path: Path, result: ReadResult) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _Skip(f"file is {size / (1024 * 1024):.1f} MB, over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit "
                        "(core.ingest.readers.MAX_FILE_BYTES); split it into smaller files")
        data = path.read_bytes()
    except OSError as err:
        raise _Skip(f"cannot read the file ({err.strerror or err}); check that it exists and is readable") from None
    if not data.strip():
        raise _Skip("empty file; nothing to read")
    text, encoding = decode(data)
    if encoding not in ("utf-8", "utf-8-sig"):
        result.notes.append(Problem(str(path), None, f"not UTF-8; read as {encoding}. "
                                    "Check accented letters, or save the file as UTF-8"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding used). Raises _Skip for binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[3:]  # a UTF-8 mark on text that is not UTF-8: try the other encodings
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise _Skip("starts with a UTF-16 byte-order mark but is not valid UTF-16; re-save it as UTF-8") from None
    utf16 = _bomless_utf16(data)
    if utf16:
        return utf16
    if b"\x00" in data[:65536]:
        raise _Skip("binary file (contains NUL bytes), not text; give .jsonl, .csv, .txt, .md or .html files")
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise _Skip("binary file (mostly control characters), not text; give .jsonl, .csv, .txt, .md or .html files")
        return text, encoding
    raise _Skip("cannot decode the text; save it as UTF-8")  # unreachable: latin-1 decodes any bytes


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) for UTF-16 written without a byte-order mark (some Windows tools), else None.

    Text in Latin script saved as UTF-16 has a NUL in every other byte -- the high byte of each
    character, odd bytes for little-endian, even for big-endian -- which real binary data rarely keeps up."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    for encoding, zeros, others in (("utf-16-le", sample[1::2], sample[0::2]), ("utf-16-be", sample[0::2], sample[1::2])):
        if zeros.count(0) > 0.6 * half and others.count(0) < 0.05 * half:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return (text, encoding) if not _looks_binary(text) else None
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f") + sample.count("\ufffd")
    return control > 0.05 * max(len(sample), 1)


# ---------------------------------------------------------------- formats

def _parse_jsonl(path: Path, text: str, result: ReadResult) -> Iterator[tuple[int | None, dict]]:
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            result.problems.append(Problem(str(path), n, f"broken JSON line ({err.msg} at column {err.colno}); "
                                           "fix or remove the line, the rest of the file was read"))
            continue
        if not isinstance(record, dict):
            result.problems.append(Problem(str(path), n, "line is not a JSON object with id, published and text"))
            continue
        yield n, record


def _parse_json(path: Path, text: str, result: ReadResult) -> Iterator[tuple[int | None, dict]]:
    """A .json file: one object, a list of objects, or (often misnamed) JSON lines."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        if not _first_line_is_json(text):  # one broken document, not JSON lines: one problem, where it is
            raise _Skip(f"not valid JSON ({err.msg} at line {err.lineno}, column {err.colno}); "
                        "fix it, or write one JSON object per line (.jsonl)") from None
        yield from _parse_jsonl(path, text, result)
        return
    records = data if isinstance(data, list) else [data]
    for i, record in enumerate(records, 1):
        if isinstance(record, dict):
            yield (i if isinstance(data, list) else None), record
        else:
            result.problems.append(Problem(str(path), None, f"item {i} is not a JSON object; skipped"))


def _first_line_is_json(text: str) -> bool:
    line = next((x for x in text.split("\n") if x.strip()), "")
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True


def _parse_csv(path: Path, text: str, result: ReadResult) -> Iterator[tuple[int | None, dict]]:
    csv.field_size_limit(MAX_ARTICLE_CHARS * 4)
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower() for c in reader.fieldnames or [] if c}
    if "text" not in columns:
        raise _Skip(f"CSV has no 'text' column (columns: {sorted(columns) or 'none'}); "
                    "expected id, title, outlet, published, url, text")
    try:
        for row in reader:
            yield reader.line_num, {(k or "").strip().lower(): v for k, v in row.items()}
    except csv.Error as err:
        result.problems.append(Problem(str(path), reader.line_num, f"broken CSV ({err}); the rows before were read"))


def _parse_txt(path: Path, text: str, result: ReadResult) -> Iterator[tuple[int | None, dict]]:
    yield None, {"text": text.strip("\n")}


def _parse_md(path: Path, text: str, result: ReadResult) -> Iterator[tuple[int | None, dict]]:
    meta, body = _front_matter(text)
    title = meta.get("title")
    heading = re.search(r"^#\s+(.+?)\s*#*\s*$", body, flags=re.M)
    if heading and not body[:heading.start()].strip():
        title = title or heading.group(1).strip()
        body = body[heading.end():]  # the headline is metadata, not body
    yield None, {"text": markdown_to_text(body), "title": title, "published": meta.get("date") or meta.get("published"),
                 "url": meta.get("url") or meta.get("source"), "outlet": meta.get("outlet") or meta.get("sitename")}


def _parse_html(path: Path, text: str, result: ReadResult) -> Iterator[tuple[int | None, dict]]:
    article = html_article(text)
    if article is None:
        raise _Skip("no article text found in the HTML page")
    yield None, article


def html_article(page: str | bytes, url: str | None = None) -> dict | None:
    """text, title, published, url and outlet of a web page, or None when it holds no article text.

    The one reading of HTML, for .html files and fetched URLs alike (core.ingest.fetch), so that the same page
    given both ways is the same text and is stored once. The headline is metadata, not body: trafilatura
    starts the text with the <h1> when it repeats the title, and that line is dropped."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    doc = trafilatura.bare_extraction(page, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False)
    if doc is None:
        return None
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    body, title = (data.get("text") or "").strip(), data.get("title")
    if title and body.split("\n", 1)[0].strip() == title.strip():
        body = body.split("\n", 1)[1].strip() if "\n" in body else ""
    return {"text": body, "title": title, "published": data.get("date"), "url": data.get("url"),
            "outlet": data.get("sitename") or data.get("hostname")}


_PARSERS = {".jsonl": _parse_jsonl, ".json": _parse_json, ".csv": _parse_csv, ".txt": _parse_txt,
            ".md": _parse_md, ".html": _parse_html, ".htm": _parse_html}


def _front_matter(text: str) -> tuple[dict, str]:
    m = re.match(r"\A---\s*\n(.*?)\n---\s*\n", text, flags=re.S)
    if not m:
        return {}, text
    meta = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip().strip("'\"") or None
    return meta, text[m.end():]


def markdown_to_text(md: str) -> str:
    """Markdown -> plain text: markup removed, paragraphs kept (headings become their own paragraph)."""
    text = re.sub(r"```.*?```", "", md, flags=re.S)
    text = re.sub(r"<[^>\n]+>", "", text)                          # inline HTML tags
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)               # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)           # links -> their text
    text = re.sub(r"^[ \t]{0,3}#{1,6}[ \t]*(.*?)[ \t]*#*[ \t]*$", r"\1", text, flags=re.M)   # heading markers
    text = re.sub(r"^[ \t]{0,3}>[ \t]?", "", text, flags=re.M)           # block quotes
    text = re.sub(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", "", text, flags=re.M)  # list markers
    text = re.sub(r"^[ \t]*(?:[-*_][ \t]*){3,}$", "", text, flags=re.M)  # horizontal rules
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)                # bold
    text = re.sub(r"(?<![\w*])[*_]([^*_\n]+)[*_](?![\w*])", r"\1", text)  # italics
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


# ---------------------------------------------------------------- records -> articles

def _to_article(record: dict, path: Path, line: int | None, fallback: str | None,
                result: ReadResult) -> dict | None:
    def skip(reason: str) -> None:
        result.problems.append(Problem(str(path), line, reason))

    text = _clean_str(record.get("text"))
    refused = gate(text)
    if refused:
        return skip(refused)
    published = valid_date(record.get("published")) or fallback
    if published is None:
        given = _clean_str(record.get("published"))
        why = f"publication date {given!r} is not a date" if given else "no publication date"
        return skip(f"{why}; pass --published YYYY-MM-DD")
    article_id = _clean_str(record.get("id")) or _clean_str(record.get("article_id")) or make_article_id(path, text)
    return {"article_id": article_id, "title": _clean_str(record.get("title")),
            "outlet": _clean_str(record.get("outlet")), "url": _clean_str(record.get("url")),
            "published": published, "text": text, "source": f"{path}:{line}" if line else str(path)}


def gate(text: str | None) -> str | None:
    """The one check every article text passes on its way in -- files, folders, uploads, URLs, pasted text and
    library callers of core.ingest.ingest: why it is kept out (a sentence naming the limit), or None to let it in.

    Empty text, text over MAX_ARTICLE_CHARS, and text that is not English. Add any new limit here, so
    that no way in can skip it."""
    text = _clean_str(text)
    if not text:
        return "no article text ('text' is missing or empty); skipped"
    if len(text) > MAX_ARTICLE_CHARS:
        return (f"article text is {len(text):,} characters, over the {MAX_ARTICLE_CHARS:,} limit "
                "(core.ingest.readers.MAX_ARTICLE_CHARS); split it")
    if not is_english(text):
        return f"text is not English (it looks like {guess_language(text).name}): Parley skips articles not in English"
    return None


def make_article_id(path: Path, text: str) -> str:
    """A stable id for a file-based article: the file name as a slug plus a short hash of the text."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:60] or "article"
    return f"{slug}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:8]}"


def _clean_str(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    value = str(value).strip()
    return value or None


def valid_date(value) -> str | None:
    """YYYY-MM-DD from a date or timestamp string ("2022-02-14", "2022-02-14T09:30:00Z"); None when invalid."""
    value = _clean_str(value)
    if not value:
        return None
    m = re.match(r"(\d{4}-\d{2}-\d{2})(?:$|[T ])", value)
    if not m:
        return None
    try:
        return dt.date.fromisoformat(m.group(1)).isoformat()
    except ValueError:
        return None


def _fallback_date(published: str | None, result: ReadResult) -> str | None:
    if published is None:
        return None
    date = valid_date(published)
    if date is None:
        result.problems.append(Problem("--published", None, f"{published!r} is not a date; use YYYY-MM-DD "
                                       "(articles without their own date are skipped)"))
    return date


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def text_hash(text: str) -> str:
    """Hash of the text with case, Unicode form, curly quotes, dashes and whitespace normalised:
    two articles with the same hash are the same article (in one run, and in the store)."""
    norm = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    norm = re.sub(r"\s+", " ", norm).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


class _Seen:
    """Duplicates within one run: the same text (text_hash), as the store counts them.

    A repeated id with a different text is another article (two corpus files may both
    number theirs from 1): it is kept under the id with a short text hash appended, and a
    note says so.
    """

    def __init__(self):
        self.ids: dict[str, str] = {}
        self.texts: dict[str, str] = {}

    def first(self, article: dict, path: Path, line: int | None, result: ReadResult) -> bool:
        where = f"{path}:{line}" if line else str(path)
        key = text_hash(article["text"])
        article_id = article["article_id"]
        if key in self.texts:
            reason = (f"duplicate article id {article_id!r} (first read at {self.ids[article_id]}); skipped"
                      if article_id in self.ids else f"same text as article {self.texts[key]}; skipped as a duplicate")
            result.problems.append(Problem(str(path), line, reason))
            return False
        if article_id in self.ids:
            article["article_id"] = f"{article_id}-{key[:8]}"
            result.notes.append(Problem(str(path), line, f"article id {article_id!r} was already used at "
                                        f"{self.ids[article_id]} for another text; kept as {article['article_id']!r}"))
        self.ids[article["article_id"]] = where
        self.texts[key] = f"{article['article_id']!r} ({where})"
        return True
