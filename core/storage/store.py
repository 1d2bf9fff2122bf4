"""The DuckDB store: one file holding articles and positions, opened briefly per operation.

    from core.storage.store import open_store
    from core.filters import Filters
    store = open_store()                       # --db / PARLEY_DB / data/parley.duckdb
    df = store.query_positions(Filters(actor=("Russia",)), limit=500)

Concurrency: DuckDB lets one process hold the file for writing and refuses every
other process meanwhile, readers included ("Could not set lock on file"). So a
`Store` holds no connection: each call opens one, does its work and closes it,
retrying with backoff while another process holds the lock, and raises
`StoreBusy` (a message a user can act on) after `busy_timeout` seconds. Writers
(ingest, re-extraction) write one article per transaction, so a long run lets
readers in between articles.

Opening the file costs tens of milliseconds and starts with a cold cache, so a
caller that makes several calls at once (a page: counts, facets, the table)
should wrap them in `with store.session():` -- one connection for all of them,
released at the end of the block. bench/bench_store.py measures both.

SQL is parameterised with named parameters only; identifiers come from the
column constants in core.schema.
"""
from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from core.filters import LIST_PARAMS, Filters
from core.paths import DB_ENV as ENV_VAR
from core.paths import db_path as resolve_db_path
from core.schema import ARTICLE_COLUMNS, POSITION_COLUMNS, coerce
from core.storage import migrations

READ_ONLY_ENV = "PARLEY_READ_ONLY"  # set (1/true/yes) to open the database read-only (a dashboard on a copy)
DEFAULT_BUSY_TIMEOUT = 30.0  # seconds to keep retrying a locked file before giving up
# Never fetch or load extensions: a non-DuckDB file (SQLite, Parquet) makes DuckDB try to download a
# reader for it, which must not happen on a machine without network, nor silently on one with it.
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file

# Columns a positions query returns: the contract's, then provenance, then the article's.
POSITION_EXTRA_COLUMNS = ("position_id", "extractor_version")
ARTICLE_JOIN_COLUMNS = ("title", "outlet", "url", "published")
QUERY_COLUMNS = (*POSITION_COLUMNS, *POSITION_EXTRA_COLUMNS, *ARTICLE_JOIN_COLUMNS)
QUERY_DTYPES = {**POSITION_COLUMNS, **{c: "string" for c in (*POSITION_EXTRA_COLUMNS, *ARTICLE_JOIN_COLUMNS)}}
FACET_FIELDS = LIST_PARAMS  # actor, target, stance, issue, outlet, speaker
ARTICLE_LIST_COLUMNS = ("article_id", "title", "outlet", "url", "published", "source",
                        "extractor_version", "created_at")

# The other process's lock, or (inside one process) a connection open with the other read_only setting.
_BUSY_MARKERS = ("could not set lock", "conflicting lock", "different configuration")
# A truncated or corrupt file: what DuckDB says, at open or at the first read of a damaged block.
_DAMAGE_MARKERS = ("could not read enough bytes", "not a valid duckdb database", "corrupt", "checksum",
                   "invalid block", "serialization error")
_DISK_MARKERS = ("no space left", "file too large", "disk quota", "could not write", "could not truncate")
RESTORE_HINT = ("restore it from a backup into a new file (`python -m core restore BACKUP_FOLDER --db NEW_PATH`, "
                "README: 'The command line') and use that, or move the file away to start an empty database")


_SESSIONS = threading.local()  # path -> (connection, writable) while a session() is open in this thread


class StoreError(RuntimeError):
    """Something about the database file is wrong; the message says what to do."""


class StoreBusy(StoreError):
    """Another process held the database for longer than the busy timeout."""


class StoreFull(StoreError):
    """The disk refused a write (full, over a quota or a file size limit)."""


class StoreDamaged(StoreError):
    """The file is truncated or corrupt (or not a Parley database); the message says what to do."""


def open_store(path: str | os.PathLike | None = None, *, read_only: bool = False,
               busy_timeout: float | None = None) -> Store:
    """The store at `path` (see resolve_db_path), created and migrated on first use.

    A read-only store never writes, except to create or migrate a database that needs it.
    """
    timeout = DEFAULT_BUSY_TIMEOUT if busy_timeout is None else busy_timeout
    store = Store(resolve_db_path(path), read_only=read_only, busy_timeout=timeout)
    store.migrate()
    return store


@dataclass(frozen=True)
class Store:
    path: Path
    read_only: bool = False
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT

    # -- connections -------------------------------------------------------
    @contextmanager
    def connect(self, *, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection; closed (and the file lock released) on exit.

        Inside `session()` the session's connection is reused instead. A damaged file raises
        StoreDamaged (a message naming the file and what to do), wherever DuckDB notices it.
        """
        if write and self.read_only:
            raise StoreError(f"{self.path} was opened read-only; open it with read_only=False to write")
        active = getattr(_SESSIONS, "open", {}).get(self.path)
        if active is not None and (active[1] or not write):
            with damage_named(self.path):
                yield active[0]
            return
        conn = connect_with_retry(self.path, read_only=not write and self.read_only, timeout=self.busy_timeout)
        with damage_named(self.path):
            try:
                yield conn
            finally:
                conn.close()

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Store]:
        """Several calls on one connection (opening one costs tens of ms): e.g. a page's
        counts, facets and query. The file stays locked until the block ends, so keep it short."""
        sessions = _SESSIONS.__dict__.setdefault("open", {})
        if self.path in sessions:
            yield self
            return
        with self.connect(write=write) as conn:
            sessions[self.path] = (conn, write and not self.read_only)
            try:
                yield self
            finally:
                del sessions[self.path]

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write connection inside BEGIN ... COMMIT; any exception rolls everything back."""
        with self.connect(write=True) as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                yield conn
            except BaseException:
                try:
                    conn.execute("ROLLBACK")
                except duckdb.Error:
                    pass  # a damaged file or a dead transaction: the first error is the one to report
                raise
            conn.execute("COMMIT")

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the file now; StoreFull when the disk refuses. DuckDB also does
        this when the last connection closes, but says nothing when it fails there (a full disk went
        unnoticed), so a writer calls this once at its end."""
        with self.connect(write=True) as conn:
            try:
                conn.execute("CHECKPOINT")
            except duckdb.Error as err:
                raise_if_full(self.path, err)
                raise

    def checkpoint_refusal(self) -> str:
        """checkpoint() at a writer's end: what the disk said if it refused, else "" (also when another
        writer holds the file: its close checkpoints)."""
        try:
            self.checkpoint()
        except StoreBusy:
            return ""
        except StoreFull as err:
            return str(err)
        return ""

    def migrate(self) -> list[int]:
        """Create the file (and its folder) if needed and apply pending migrations."""
        if self.path.exists():
            with self.connect() as conn:
                if not migrations.pending(conn):
                    check_contract(conn)
                    return []
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot create the folder {self.path.parent}: {err.strerror or err};"
                             " choose another --db path") from err
        conn = connect_with_retry(self.path, read_only=False, timeout=self.busy_timeout)
        with damage_named(self.path):
            try:
                applied = migrations.migrate(conn)
                check_contract(conn)
            finally:
                conn.close()
        return applied

    # -- reads -------------------------------------------------------------
    def query_positions(self, filters: Filters | None = None, *, limit: int | None = None,
                        offset: int = 0) -> pd.DataFrame:
        """Positions matching `filters`, joined with their article's title, outlet, url, published.

        Values listed in one field are OR'd, fields are AND'd. A date range keeps a
        position whose date (day, month or year) overlaps it. `q` is a
        case-insensitive substring of the sentence, quote, speaker or title.
        Ordered by date, article and place in the article.
        """
        sql, params = positions_query(filters, limit=limit, offset=offset)
        with self.connect() as conn:
            return fetch_frame(conn, sql, params, QUERY_DTYPES)

    def count_positions(self, filters: Filters | None = None) -> int:
        where, params = where_clause(filters)
        with self.connect() as conn:
            return fetch_one(conn, f"SELECT count(*) FROM positions p JOIN articles a USING (article_id) {where}",
                             params)[0]

    def articles(self, filters: Filters | None = None, *, with_text: bool = False) -> pd.DataFrame:
        """Articles, newest first, with `n_positions`.

        With non-empty filters: only articles with a matching position, counting those.
        """
        cols = list(ARTICLE_LIST_COLUMNS) + (["text"] if with_text else [])
        select = ", ".join(f'a."{c}"' for c in cols)
        if filters is None or filters.is_empty():
            sql = (f"SELECT {select}, count(p.position_id) AS n_positions FROM articles a"
                   f" LEFT JOIN positions p USING (article_id) GROUP BY ALL"
                   " ORDER BY a.published DESC NULLS LAST, a.article_id")
            params: dict = {}
        else:
            where, params = where_clause(filters)
            sql = (f"SELECT {select}, count(*) AS n_positions FROM positions p"
                   f" JOIN articles a USING (article_id) {where} GROUP BY ALL"
                   " ORDER BY a.published DESC NULLS LAST, a.article_id")
        with self.connect() as conn:
            return fetch_frame(conn, sql, params)

    def article(self, article_id: str) -> dict | None:
        """One article's row (contract columns plus source, extractor_version, created_at), or None."""
        cols = [*ARTICLE_COLUMNS, "source", "extractor_version", "created_at"]
        with self.connect() as conn:
            row = fetch_one(conn, f"SELECT {quoted(cols)} FROM articles"
                                  " WHERE article_id = $article_id", {"article_id": article_id})
        return dict(zip(cols, row, strict=True)) if row else None

    def positions_for_article(self, article_id: str) -> pd.DataFrame:
        """An article's positions in text order, same columns as query_positions."""
        with self.connect() as conn:
            return fetch_frame(conn, ARTICLE_POSITIONS_SQL, {"article_id": article_id}, QUERY_DTYPES)

    def facets(self) -> dict[str, list[str]]:
        """Distinct non-empty values of each filter field, sorted, for the filter widgets."""
        out: dict[str, list[str]] = {}
        with self.connect() as conn:
            for name in FACET_FIELDS:
                table = "articles" if name == "outlet" else "positions"
                rows = conn.execute(
                    f'SELECT DISTINCT "{name}" FROM {table} WHERE "{name}" IS NOT NULL'
                    f' AND trim("{name}") <> $empty ORDER BY 1', {"empty": ""}).fetchall()
                out[name] = [r[0] for r in rows]
        return out

    def counts(self) -> dict:
        """articles, positions, actors, outlets, date_min, date_max (of position dates, as stored)."""
        with self.connect() as conn:
            n_articles, n_outlets = fetch_one(conn, "SELECT count(*), count(DISTINCT outlet) FROM articles")
            n_positions, n_actors, dmin, dmax = fetch_one(
                conn, 'SELECT count(*), count(DISTINCT actor), min("date"), max("date") FROM positions')
        return {"articles": n_articles, "positions": n_positions, "actors": n_actors,
                "outlets": n_outlets, "date_min": dmin, "date_max": dmax}

    def is_empty(self) -> bool:
        with self.connect() as conn:
            return fetch_one(conn, "SELECT count(*) FROM articles")[0] == 0

    def extractor_versions(self) -> dict[str, int]:
        """How many articles each extractor version last ran on."""
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT coalesce(extractor_version, $none), count(*) FROM articles GROUP BY 1 ORDER BY 1",
                {"none": "(none)"}).fetchall()
        return dict(rows)


# -- connection helper ------------------------------------------------------

def connect_with_retry(path: Path, *, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    """duckdb.connect (extensions never fetched nor loaded), retried with jittered backoff while the
    file is locked elsewhere; a file that is not a DuckDB database, or a damaged one, raises StoreDamaged."""
    check_is_duckdb(path)
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=DUCKDB_CONFIG)
        except duckdb.Error as err:
            if is_damage_error(err):
                raise StoreDamaged(damaged_message(path, err)) from err
            if not isinstance(err, duckdb.IOException | duckdb.ConnectionException) or not is_busy_error(err):
                raise StoreError(f"cannot open the database {path}: {err}; choose another --db PATH"
                                 f" (or ${ENV_VAR})") from err
            if time.monotonic() + delay > deadline:
                raise StoreBusy(
                    f"the database is busy: another Parley process is writing to {path}; try again "
                    f"(waited {timeout:.0f} s)") from err
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.1)  # short: the holder usually lets go within one article


def check_is_duckdb(path: Path) -> None:
    """Refuse, before DuckDB sees it, a file that is not a DuckDB database (SQLite, CSV, an empty file):
    DuckDB would otherwise try to read it with an extension, or call it merely 'not valid'."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        return  # created on first use
    except OSError as err:
        raise StoreError(f"cannot read the database {path}: {err.strerror or err}; check its permissions") from err
    if head[8:12] == DUCKDB_MAGIC:
        return
    if not head:
        raise StoreDamaged(f"{path} is an empty file, not a Parley database: if it was one, it was truncated; "
                           + RESTORE_HINT)
    kind = "it is a SQLite database, " if head.startswith(b"SQLite format 3") else ""
    raise StoreDamaged(f"{path} is not a Parley database ({kind}not a valid DuckDB database file); "
                       f"choose another --db PATH (or ${ENV_VAR})")


def is_damage_error(err: Exception) -> bool:
    if isinstance(err, duckdb.ConstraintException | duckdb.ConversionException):
        return False  # their messages quote stored values, which may hold any word
    text = str(err).lower()
    return any(marker in text for marker in _DAMAGE_MARKERS)


def is_disk_error(err: Exception) -> bool:
    text = str(err).lower()
    return isinstance(err, duckdb.Error) and any(marker in text for marker in _DISK_MARKERS)


def raise_if_full(path: Path, err: Exception) -> None:
    """StoreFull, saying what to do, when `err` is the disk refusing a write; otherwise nothing (the
    caller handles `err`). Every later write would fail the same way, so a writer stops there."""
    if is_disk_error(err):
        raise StoreFull(disk_message(path, err)) from err


def disk_message(path: Path, err: Exception) -> str:
    detail = str(err).splitlines()[0] if str(err) else type(err).__name__
    return (f"the disk refused to write the database {path} ({detail}): free some space (or raise the quota) "
            f"and run the same command again; what was stored is kept (committed to {path.name}.wal beside it) "
            "and will not be stored twice")


def damaged_message(path: Path, err: Exception) -> str:
    detail = str(err).splitlines()[0] if str(err) else type(err).__name__
    return f"the database file {path} is damaged (truncated or corrupt: {detail}); {RESTORE_HINT}"


@contextmanager
def damage_named(path: Path) -> Iterator[None]:
    """Turn DuckDB's error for a damaged file, raised by any read or write, into StoreDamaged."""
    try:
        yield
    except duckdb.Error as err:
        if is_damage_error(err):
            raise StoreDamaged(damaged_message(path, err)) from err
        raise


def read_only_reason(path: str | os.PathLike) -> str | None:
    """Why the database must be opened read-only (a sentence for the user), or None when it can be written.

    PARLEY_READ_ONLY=1, or a file (or folder: DuckDB writes a .wal beside the file) this process cannot write."""
    if os.environ.get(READ_ONLY_ENV, "").strip().lower() not in ("", "0", "false", "no"):
        return f"the database is opened read-only (${READ_ONLY_ENV} is set)"
    path = Path(path)
    if path.exists() and not os.access(path, os.W_OK):
        return f"the database file {path} is read-only"
    if path.exists() and not os.access(path.parent, os.W_OK):
        return f"the folder {path.parent} is read-only (DuckDB writes a .wal file beside the database)"
    return None


def db_version(path: str | os.PathLike) -> tuple:
    """A cheap fingerprint that changes with every committed write, by any process: the identity, size and
    modification time of the file and of its write-ahead log (DuckDB appends each commit to the .wal and
    folds it into the file at a checkpoint). Readers key their caches on it instead of a time to live."""
    out = []
    for name in (str(path), f"{path}.wal"):
        try:
            st = os.stat(name)
        except OSError:
            out.append(None)
            continue
        out.append((st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(out)


def fetch_one(conn, sql: str, params: dict | None = None) -> tuple | None:
    """The first row (or None), reading the result to its end: DuckDB 2 refuses more work
    on a connection whose last result was not finished (matters inside a session)."""
    rows = conn.execute(sql, params or {}).fetchall()
    return rows[0] if rows else None


def is_busy_error(err: Exception) -> bool:
    text = str(err).lower()
    return any(marker in text for marker in _BUSY_MARKERS)


def check_contract(conn) -> None:
    """Refuse a database whose tables lack a column of core.schema (a migration is missing)."""
    for table, columns in (("articles", ARTICLE_COLUMNS), ("positions", POSITION_COLUMNS),
                           ("review_state", POSITION_COLUMNS)):  # core.storage.review reads it like positions
        have = {r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $table",
            {"table": table}).fetchall()}
        missing = [c for c in columns if c not in have]
        if missing:
            raise StoreError(
                f"table {table} lacks contract columns {missing}: core/schema.py changed without a "
                "migration; add one that calls core.storage.migrations.ensure_columns (see core/storage/migrations/__init__.py)")


# -- SQL building -------------------------------------------------------------

def quoted(columns) -> str:
    """'"a", "b"': column names (from core.schema, never from input) quoted for SQL."""
    return ", ".join(f'"{c}"' for c in columns)


def where_clause(filters: Filters | None, *, reviewed: bool = False) -> tuple[str, dict]:
    """WHERE for positions p JOIN articles a, with named parameters; ('', {}) for no filters.

    `reviewed`: for review_state rows, which a person confirmed, so the extractor's confidence
    does not filter them."""
    if filters is None:
        return "", {}
    parts: list[str] = []
    params: dict = {}
    for name in LIST_PARAMS:
        values = getattr(filters, name)
        if not values:
            continue
        alias = "a" if name == "outlet" else "p"
        keys = [f"{name}_{i}" for i in range(len(values))]
        params.update(zip(keys, values, strict=True))
        parts.append(f'{alias}."{name}" IN ({", ".join("$" + k for k in keys)})')
    parts += _date_conditions(filters, params)
    if filters.min_confidence is not None and not reviewed:
        params["min_confidence"] = filters.min_confidence
        parts.append('p."confidence" >= $min_confidence')
    if filters.q.strip():
        parts.append(_text_condition(filters.q.strip(), params))
    return ("WHERE " + " AND ".join(parts), params) if parts else ("", {})


def _text_condition(q: str, params: dict) -> str:
    """Case-insensitive substring of sentence, quote, speaker or title.

    Plain ILIKE '%q%' is DuckDB's fast path (an ESCAPE clause makes it ~3x slower at 1M rows),
    so it is used unless q holds a LIKE wildcard or backslash; then contains(lower()) keeps
    those characters literal.
    """
    searched = ("p.sentence", "p.quote", "p.speaker", "a.title")
    if any(ch in q for ch in "%_\\"):
        params["q"] = q.lower()
        return "(" + " OR ".join(f"contains(lower({c}), $q)" for c in searched) + ")"
    params["q"] = f"%{q}%"
    return "(" + " OR ".join(f"{c} ILIKE $q" for c in searched) + ")"


def _date_conditions(filters: Filters, params: dict) -> list[str]:
    # Dates are stored as 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'; a position is kept when its
    # period overlaps [from, to]. Plain string comparisons (cheap, and they let DuckDB skip
    # row groups): a prefix sorts before its extensions, so the period starts on or before
    # `to` exactly when date <= to; it ends on or after `from` exactly when date >= from,
    # or date is from's own month or year ('2022-03' and '2022' both reach 2022-03-15).
    parts = []
    if filters.date_to:
        params["date_to"] = filters.date_to.isoformat()
        parts.append('p."date" <= $date_to')
    if filters.date_from:
        start = filters.date_from.isoformat()
        params.update(date_from=start, from_month=start[:7], from_year=start[:4])
        parts.append('(p."date" >= $date_from OR p."date" = $from_month OR p."date" = $from_year)')
    return parts


def positions_query(filters: Filters | None, *, limit: int | None = None, offset: int = 0,
                    ordered: bool = True) -> tuple[str, dict]:
    """The SQL and parameters of Store.query_positions (core.storage.review reads the same rows).

    `ordered=False` leaves out the ORDER BY for a caller that sorts the rows itself, unless a page of them is
    asked for (`limit`, `offset`), which needs the order to know which rows it holds."""
    where, params = where_clause(filters)
    keep_order = ordered or limit is not None or offset
    order = ' ORDER BY p."date", p.article_id, p.char_start, p.position_id' if keep_order else ""
    if limit is not None and "a." not in where:
        # A page of rows whose filters read positions only: that page is taken before the join, so only its
        # rows meet their article (at 1M positions, joining every match first cost about a third more).
        inner, params = _paginate(f"SELECT * FROM positions p {where}{order}", params, limit, offset)
        return f"SELECT {SELECT_LIST} FROM ({inner}) p JOIN articles a USING (article_id){order}", params
    sql = f"SELECT {SELECT_LIST} FROM positions p JOIN articles a USING (article_id) {where}{order}"
    return _paginate(sql, params, limit, offset)


def _paginate(sql: str, params: dict, limit: int | None, offset: int) -> tuple[str, dict]:
    if limit is not None:
        sql += " LIMIT $limit"
        params = {**params, "limit": int(limit)}
    if offset:
        sql += " OFFSET $offset"
        params = {**params, "offset": int(offset)}
    return sql, params


# The columns of QUERY_COLUMNS, from positions p (or a table with its columns) joined with articles a.
SELECT_LIST = ", ".join([f'p."{c}"' for c in (*POSITION_COLUMNS, *POSITION_EXTRA_COLUMNS)]
                        + [f'a."{c}"' for c in ARTICLE_JOIN_COLUMNS])
ARTICLE_POSITIONS_SQL = (f"SELECT {SELECT_LIST} FROM positions p JOIN articles a USING (article_id)"
                         " WHERE p.article_id = $article_id ORDER BY p.char_start, p.position_id")


# Arrow -> pandas nullable dtypes directly: several times faster than .df() then astype().
_ARROW_TO_PANDAS = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(),
                    pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype(),
                    pa.bool_(): pd.BooleanDtype(), pa.float64(): pd.Float64Dtype()}


def fetch_frame(conn, sql: str, params: dict, dtypes: dict[str, str] | None = None) -> pd.DataFrame:
    """Run a query into a DataFrame with pandas nullable dtypes (and `dtypes` enforced, if given)."""
    conn.complete()  # a caller's unread execute() result would make conn.sql refuse (DuckDB 2)
    table = conn.sql(sql, params=params).to_arrow_table()
    df = table.to_pandas(types_mapper=_ARROW_TO_PANDAS.get)
    if dtypes:
        wrong = {c: t for c, t in dtypes.items() if c in df.columns and str(df[c].dtype) != t}
        if wrong:
            df = coerce(df, wrong)
    return df


# -- writes: called with a connection inside Store.transaction() ---------------

def position_ids(df: pd.DataFrame) -> list[str]:
    """Stable ids: a hash of article, sentence span, actor, stance and issue.

    Re-extraction that finds the same position again gives it the same id, so
    anything keyed on it (reviews) survives. Rows identical on those fields get
    an occurrence suffix (":2", ":3") to stay unique.
    """
    import hashlib

    seen: dict[str, int] = {}
    ids = []
    for row in df[["article_id", "char_start", "char_end", "actor", "stance", "issue"]].itertuples(index=False):
        key = "\x1f".join("" if pd.isna(v) else str(v) for v in row)
        base = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}:{seen[base]}")
    return ids


def insert_article(conn, article: dict, *, text_hash: str, source: str | None,
                   extractor_version: str) -> None:
    """Insert one article row (keys of core.schema.ARTICLE_COLUMNS)."""
    cols = [*ARTICLE_COLUMNS, "text_hash", "source", "extractor_version"]
    values = {**{c: article.get(c) for c in ARTICLE_COLUMNS}, "text_hash": text_hash,
              "source": source, "extractor_version": extractor_version}
    conn.execute(
        f"INSERT INTO articles ({quoted(cols)})"
        f" VALUES ({', '.join('$' + c for c in cols)})", values)


def replace_positions(conn, article_id: str, df: pd.DataFrame, *, extractor_version: str | None = None) -> int:
    """Replace an article's positions with `df` and record the extractor version on the article
    (default: the current core.EXTRACTOR_VERSION).

    The single place positions are written: ingest, the feed follower and re-extraction call it through
    core.storage.derived.replace_positions (which also refreshes the stored statement ids and shifts)
    inside the article's transaction. Extend it here (e.g. to carry reviews over by position_id) rather
    than writing positions elsewhere. Returns rows written.
    """
    if extractor_version is None:
        import core
        extractor_version = core.EXTRACTOR_VERSION
    rows = df[list(POSITION_COLUMNS)].copy()
    rows["article_id"] = article_id
    rows = coerce(rows, POSITION_COLUMNS)
    rows.insert(0, "position_id", position_ids(rows))
    rows["extractor_version"] = extractor_version
    conn.execute("DELETE FROM positions WHERE article_id = $article_id", {"article_id": article_id})
    if len(rows):
        cols = quoted(rows.columns)
        conn.register("incoming_positions", rows)
        try:
            conn.execute(f"INSERT INTO positions ({cols}) SELECT {cols} FROM incoming_positions")
        finally:
            conn.unregister("incoming_positions")
    conn.execute("UPDATE articles SET extractor_version = $version WHERE article_id = $article_id",
                 {"version": extractor_version, "article_id": article_id})
    return len(rows)
