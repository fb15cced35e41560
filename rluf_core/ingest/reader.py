"""Read one day of landing files into raw rows, never crashing on bad input.

Every record of every file becomes one raw row with its provenance (`_file`, `_row`). Rows that
cannot be parsed (truncated JSON, non-UTF-8 bytes, a line that is not an object) are kept with an
`_error` code and the raw text; a file that cannot be read at all (corrupt Parquet, unknown format)
becomes one row with `_row = -1`. Missing contract columns are null and named in the file manifest
(required and optional apart), extra columns are dropped and named there too, values of the wrong
type are rendered as text (cleaning types them).
"""

from __future__ import annotations

import json
import logging
import posixpath
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rluf_core.ingest.schema import LANDING_COLUMNS, RAW_TEXT_LIMIT, REQUIRED_COLUMNS, raw_columns
from rluf_core.lake import Lake

log = logging.getLogger(__name__)

MANIFEST_COLUMNS = [
    "file",
    "format",
    "status",
    "n_rows",
    "n_errors",
    "n_bytes",
    "missing_columns",
    "missing_optional",
    "extra_columns",
    "type_issues",
    "detail",
]


@dataclass
class RawBatch:
    kind: str
    day: str
    frame: pd.DataFrame  # raw_columns(kind)
    files: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MANIFEST_COLUMNS))

    @property
    def n_bytes(self) -> int:
        return int(self.files["n_bytes"].sum()) if len(self.files) else 0


def _schema(kind: str) -> pa.Schema:
    return pa.schema([(c, pa.int64() if c == "_row" else pa.string()) for c in raw_columns(kind)])


def _file_error(kind: str, path: str, code: str, detail: str) -> pa.Table:
    row: dict[str, list] = {c: [None] for c in raw_columns(kind)}
    row.update(_file=[path], _row=[-1], _error=[code], _error_detail=[detail[:RAW_TEXT_LIMIT]])
    return pa.table(row, schema=_schema(kind))


def _text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return json.dumps(value, ensure_ascii=False, default=str)


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _to_string(arr: pa.ChunkedArray) -> tuple[pa.Array, pa.Array | None]:
    """Render any Arrow column as strings; returns (strings, per-row invalid-UTF-8 mask or None)."""
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    t = arr.type
    if pa.types.is_dictionary(t):
        return _to_string(arr.dictionary_decode())
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        arr = arr.cast(pa.string())
        try:
            arr.validate(full=True)  # Parquet readers do not check that string columns hold UTF-8
        except pa.ArrowInvalid:
            return _to_string(arr.view(pa.binary()))  # decoded row by row below, bad rows marked
        return arr, None
    if pa.types.is_timestamp(t):
        if t.tz is None:
            arr = arr.cast(pa.timestamp(t.unit, tz="UTC"))
        return arr.cast(pa.string()), None
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        try:
            return arr.cast(pa.string()), None
        except pa.ArrowInvalid:
            vals, bad = [], []
            for v in arr.to_pylist():
                try:
                    vals.append(None if v is None else v.decode("utf-8"))
                    bad.append(False)
                except UnicodeDecodeError:
                    vals.append(v.decode("utf-8", errors="replace"))
                    bad.append(True)
            return pa.array(vals, pa.string()), pa.array(bad)
    try:
        if pa.types.is_nested(t):
            raise pa.ArrowNotImplementedError("nested")
        return arr.cast(pa.string()), None
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return pa.array([_text(v) for v in arr.to_pylist()], pa.string()), None


def _missing(kind: str, missing: list[str], info: dict) -> None:
    """Name the contract columns a file lacks: required ones fail the raw gate, optional ones warn."""
    info["missing_columns"] = ",".join(c for c in missing if c in REQUIRED_COLUMNS[kind])
    info["missing_optional"] = ",".join(c for c in missing if c not in REQUIRED_COLUMNS[kind])


def _read_parquet(kind: str, path: str, data: bytes, info: dict) -> pa.Table:
    table = pq.read_table(pa.BufferReader(data))
    n = table.num_rows
    cols, issues = {}, []
    bad = pa.array([False] * n)
    for c in LANDING_COLUMNS[kind]:
        if c not in table.column_names:
            cols[c] = pa.nulls(n, pa.string())
            continue
        col = table.column(c)
        want_ts = c == "ts"
        t = col.type
        ok_type = (
            pa.types.is_timestamp(t)
            if want_ts
            else (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t))
        )
        if not ok_type and not (want_ts and (pa.types.is_string(t) or pa.types.is_large_string(t))):
            issues.append(f"{c}:{t}")
        strings, invalid = _to_string(col)
        cols[c] = strings
        if invalid is not None:
            bad = pc.or_(bad, invalid)
    _missing(kind, [c for c in LANDING_COLUMNS[kind] if c not in table.column_names], info)
    info["extra_columns"] = ",".join(
        c for c in table.column_names if c not in LANDING_COLUMNS[kind]
    )
    info["type_issues"] = ",".join(issues)
    err = pc.if_else(bad, pa.scalar("invalid_utf8"), pa.scalar(None, pa.string()))
    detail = pc.if_else(
        bad, pa.scalar("a text column holds bytes that are not UTF-8"), pa.scalar(None, pa.string())
    )
    cols.update(
        _file=pa.array([path] * n, pa.string()),
        _row=pa.array(range(n), pa.int64()),
        _error=err,
        _error_detail=detail,
        _raw=pa.nulls(n, pa.string()),
    )
    return pa.table(cols, schema=_schema(kind))


def _read_jsonl(kind: str, path: str, data: bytes, info: dict) -> pa.Table:
    names = LANDING_COLUMNS[kind]
    out: dict[str, list] = {c: [] for c in raw_columns(kind)}
    seen: set[str] = set()
    extra: set[str] = set()
    issues: set[str] = set()
    for i, line in enumerate(data.split(b"\n")):
        if not line.strip():
            continue
        err = detail = raw = None
        rec = None
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as e:
            err, detail, raw = (
                "invalid_utf8",
                f"byte {e.start}: {e.reason}",
                line.decode("utf-8", "replace"),
            )
        else:
            try:
                rec = json.loads(text)
            except (
                ValueError,
                RecursionError,
            ) as e:  # RecursionError: nesting deeper than Python's stack
                err, detail, raw = "malformed_json", f"{type(e).__name__}: {e}", text
            else:
                if not isinstance(rec, dict):
                    err, detail, raw, rec = (
                        "not_an_object",
                        f"a JSON {type(rec).__name__}",
                        text,
                        None,
                    )
        values = [_text(rec.get(c)) if rec else None for c in names]
        bad_col = next(
            (c for c, v in zip(names, values) if v is not None and not _encodes(v)), None
        )
        if (
            bad_col is not None
        ):  # e.g. a lone surrogate escape ("\ud800"): valid JSON, not UTF-8 text
            err, detail, raw, rec = (
                "invalid_utf8",
                f"{bad_col}: an escape that is not a Unicode character",
                text,
                None,
            )
            values = [None] * len(names)
        for c, v in zip(names, values):
            if rec is not None and c in rec:
                seen.add(c)
                if rec[c] is not None and not isinstance(rec[c], str):
                    issues.add(f"{c}:{type(rec[c]).__name__}")
            out[c].append(v)
        if rec:
            extra.update(k for k in rec if k not in names)
        out["_file"].append(path)
        out["_row"].append(i)
        out["_error"].append(err)
        out["_error_detail"].append(detail)
        out["_raw"].append(raw[:RAW_TEXT_LIMIT] if raw is not None else None)
    parsed = any(e is None for e in out["_error"])  # columns are judged on the rows that parsed
    _missing(kind, [c for c in names if c not in seen] if parsed else [], info)
    info["extra_columns"] = ",".join(sorted(extra))
    info["type_issues"] = ",".join(sorted(issues))
    return pa.table(out, schema=_schema(kind))


def read_landing_file(lake: Lake, path: str, kind: str) -> tuple[pa.Table, dict]:
    """One landing file as raw rows (an Arrow table of raw_columns(kind)) and its manifest entry."""
    name = posixpath.basename(path).lower()
    fmt = (
        "parquet"
        if name.endswith((".parquet", ".pq"))
        else ("jsonl" if name.endswith((".jsonl", ".json", ".ndjson")) else "unknown")
    )
    info: dict[str, Any] = dict(
        file=path,
        format=fmt,
        status="ok",
        n_rows=0,
        n_errors=0,
        n_bytes=0,
        missing_columns="",
        missing_optional="",
        extra_columns="",
        type_issues="",
        detail="",
    )
    try:
        data = lake.fs.cat_file(path)
    except Exception as e:  # noqa: BLE001 - an unreadable file is data, not a crash
        info.update(status="error", detail=f"cannot open: {e}")
        table = _file_error(kind, path, "unreadable_file", info["detail"])
    else:
        info["n_bytes"] = len(data)
        if not data.strip():
            info.update(status="empty", detail="empty file")
            table = pa.table({c: [] for c in raw_columns(kind)}, schema=_schema(kind))
        elif fmt == "unknown":
            info.update(status="error", detail="not .parquet or .jsonl")
            table = _file_error(kind, path, "unsupported_format", info["detail"])
        else:
            try:
                table = (_read_parquet if fmt == "parquet" else _read_jsonl)(kind, path, data, info)
            except Exception as e:  # noqa: BLE001
                info.update(status="error", detail=f"{type(e).__name__}: {e}")
                table = _file_error(kind, path, "corrupt_file", info["detail"])
    info["n_rows"] = table.num_rows
    info["n_errors"] = table.num_rows - table.column("_error").null_count
    if info["status"] == "ok" and info["n_errors"]:
        info["status"] = "partial"
    if info["status"] != "ok":
        log.warning(
            "landing file %s: %s (%s)",
            path,
            info["status"],
            info["detail"] or f"{info['n_errors']} bad rows",
        )
    return table, info


def read_landing_day(lake: Lake, kind: str, day: str) -> RawBatch:
    """All landing files of one kind and day, concatenated (sorted by file name, then row)."""
    tables, infos = [], []
    for path in lake.landing_files(kind, day):
        t, info = read_landing_file(lake, path, kind)
        tables.append(t)
        infos.append(info)
    table = pa.concat_tables(tables) if tables else _schema(kind).empty_table()
    frame = table.to_pandas()
    files = pd.DataFrame(infos, columns=MANIFEST_COLUMNS)
    log.info(
        "read %s %s: %d files, %d rows, %d bad",
        kind,
        day,
        len(infos),
        len(frame),
        int(files["n_errors"].sum()) if len(files) else 0,
    )
    return RawBatch(kind=kind, day=str(day), frame=frame, files=files)
