"""Reading landing files: Parquet and JSON Lines, provenance, and every kind of bad file."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rluf_core.ingest import raw_columns, read_landing_day
from rluf_core.lake import Lake
from tests.landing_fixtures import make_turns, reaction, reactions_frame, write_bytes, write_landing

DAY = "2026-01-02"


@pytest.fixture()
def lake(tmp_path) -> Lake:
    return Lake(str(tmp_path / "lake"))


def test_parquet_and_jsonl_rows_with_provenance(lake):
    t = make_turns(DAY, 6)
    p1 = write_landing(lake, "turns", DAY, t.iloc[:4], fmt="parquet", name="a")
    p2 = write_landing(lake, "turns", DAY, t.iloc[4:], fmt="jsonl", name="b")
    b = read_landing_day(lake, "turns", DAY)
    assert list(b.frame.columns) == raw_columns("turns")
    assert len(b.frame) == 6 and b.frame["_error"].isna().all()
    assert b.frame["_file"].str.endswith(("a.parquet", "b.jsonl")).all()
    assert b.frame.loc[b.frame["_file"].str.endswith("b.jsonl"), "_row"].tolist() == [0, 1]
    assert sorted(b.files["file"]) == sorted([p1, p2]) and (b.files["status"] == "ok").all()
    # timestamps from both formats parse to the same instants
    ts = pd.to_datetime(b.frame["ts"], utc=True, format="ISO8601")
    assert sorted(ts) == sorted(t["ts"])


def test_truncated_json_non_utf8_and_non_object_lines_become_error_rows(lake):
    t = make_turns(DAY, 2)
    good = json.dumps({k: str(v) for k, v in t.iloc[0].to_dict().items()})
    data = (
        (good + "\n" + "[1, 2]\n" + "\n").encode()
        + b'{"turn_id": "x\xff\xfe"}\n'
        + b'{"turn_id": "trunc'
    )
    path = write_bytes(lake, f"{lake.landing_dir('turns', DAY)}/bad.jsonl", data)
    b = read_landing_day(lake, "turns", DAY)
    f = b.frame.set_index("_row")
    errors = {k: (None if pd.isna(v) else v) for k, v in f["_error"].to_dict().items()}
    assert errors == {0: None, 1: "not_an_object", 3: "invalid_utf8", 4: "malformed_json"}
    assert f.loc[4, "_raw"] == '{"turn_id": "trunc'
    assert (b.frame["_file"] == path).all()
    assert b.files.iloc[0]["status"] == "partial" and b.files.iloc[0]["n_errors"] == 3


def test_corrupt_parquet_empty_and_unknown_files(lake):
    d = lake.landing_dir("reactions", DAY)
    lake.fs.makedirs(d, exist_ok=True)
    t = make_turns(DAY, 3)
    write_landing(lake, "reactions", DAY, reactions_frame([reaction("e1", t.iloc[0])]), name="ok")
    full = lake.fs.cat_file(f"{d}/ok.parquet")
    write_bytes(lake, f"{d}/truncated.parquet", full[: len(full) // 2])
    write_bytes(lake, f"{d}/empty.jsonl", b"")
    write_bytes(lake, f"{d}/empty.parquet", b"")
    write_bytes(lake, f"{d}/notes.csv", b"a,b\n1,2\n")
    b = read_landing_day(lake, "reactions", DAY)
    status = dict(zip(b.files["file"].str.rsplit("/", n=1).str[-1], b.files["status"]))
    assert status == {
        "ok.parquet": "ok",
        "truncated.parquet": "error",
        "empty.jsonl": "empty",
        "empty.parquet": "empty",
        "notes.csv": "error",
    }
    errs = b.frame.dropna(subset=["_error"])
    assert sorted(errs["_error"]) == ["corrupt_file", "unsupported_format"]
    assert (errs["_row"] == -1).all()
    assert len(b.frame) == 3  # 1 good row + 2 file-level records


def test_missing_extra_and_wrong_type_columns(lake):
    t = make_turns(DAY, 4)
    t["ts"] = t["ts"].astype("int64") // 10**9  # epoch seconds: wrong type
    t = t.drop(columns=["topic", "surface"]).assign(secret_extra=1)
    table = pa.Table.from_pandas(t, preserve_index=False)
    path = f"{lake.landing_dir('turns', DAY)}/x.parquet"
    lake.fs.makedirs(lake.landing_dir("turns", DAY), exist_ok=True)
    with lake.fs.open(path, "wb") as f:
        pq.write_table(table, f)
    b = read_landing_day(lake, "turns", DAY)
    info = b.files.iloc[0]
    assert info["missing_columns"] == "" and info["missing_optional"] == "surface,topic"
    assert info["extra_columns"] == "secret_extra"
    assert info["type_issues"] == "ts:int64"
    assert b.frame["topic"].isna().all() and "secret_extra" not in b.frame.columns
    assert b.frame["ts"].iloc[0].isdigit()  # kept as text; cleaning quarantines it as bad_timestamp


def test_binary_column_with_invalid_utf8_is_flagged(lake):
    t = make_turns(DAY, 2)
    tbl = pa.Table.from_pandas(t, preserve_index=False)
    tbl = tbl.set_column(
        tbl.schema.get_field_index("response"),
        "response",
        pa.array([b"fine", b"\xff\xfebad"], pa.binary()),
    )
    path = f"{lake.landing_dir('turns', DAY)}/bin.parquet"
    lake.fs.makedirs(lake.landing_dir("turns", DAY), exist_ok=True)
    with lake.fs.open(path, "wb") as f:
        pq.write_table(tbl, f)
    b = read_landing_day(lake, "turns", DAY)
    assert b.frame["_error"].tolist()[1] == "invalid_utf8" and pd.isna(
        b.frame["_error"].tolist()[0]
    )


def test_no_landing_files_gives_empty_frame(lake):
    b = read_landing_day(lake, "turns", DAY)
    assert len(b.frame) == 0 and list(b.frame.columns) == raw_columns("turns") and len(b.files) == 0
