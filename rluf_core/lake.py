"""The lake: landing zone, datasets written by assets, and reports, under one root.

Layout (docs/design.md):
    <lake>/landing/{turns,reactions}/date=YYYY-MM-DD/*.parquet|*.jsonl
    <lake>/datasets/<name>/date=YYYY-MM-DD/part-0.parquet   (partitioned datasets)
    <lake>/datasets/<name>/data.parquet                     (unpartitioned datasets)
    <lake>/reports/<name>.json  and  <lake>/reports/history/<name>/<timestamp>.json
    <lake>/reports/<name>.md and files the report refers to (plots)

The root is a local path or an fsspec URI (object store in production).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import posixpath
import uuid
from collections.abc import Iterable
from typing import Any

import fsspec
import pandas as pd

LANDING_KINDS = ("turns", "reactions", "ratings")

log = logging.getLogger(__name__)


def day_str(day: dt.date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


class Lake:
    def __init__(self, root: str):
        self.fs, self.root = fsspec.core.url_to_fs(root)
        self.uri = root

    # ---- paths ---------------------------------------------------------------------------
    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    def landing_dir(self, kind: str, day: dt.date | str) -> str:
        if kind not in LANDING_KINDS:
            raise ValueError(f"landing kind must be one of {LANDING_KINDS}, got {kind!r}")
        return self.path("landing", kind, f"date={day_str(day)}")

    def _date_dirs(self, base: str) -> dict[str, str]:
        """The `date=YYYY-MM-DD` folders under `base`: {day: path}."""
        if not self.fs.exists(base):
            return {}
        out = {}
        for p in self.fs.ls(base, detail=False):
            name = posixpath.basename(p.rstrip("/"))
            if not name.startswith("date="):
                continue
            day = name[len("date=") :]
            try:  # the round trip refuses other forms fromisoformat accepts (20260101, 2026-W01-1)
                valid = dt.date.fromisoformat(day).isoformat() == day
            except ValueError:
                valid = False
            if valid:
                out[day] = p
            else:
                log.warning("ignoring folder %s: its name is not date=YYYY-MM-DD", p)
        return out

    def landing_days(self, kind: str) -> list[str]:
        """Days that have a landing folder for `kind`, sorted."""
        return sorted(self._date_dirs(self.path("landing", kind)))

    def landing_files(self, kind: str, day: dt.date | str) -> list[str]:
        d = self.landing_dir(kind, day)
        if not self.fs.exists(d):
            return []
        return sorted(
            p for p in self.fs.ls(d, detail=False) if not posixpath.basename(p).startswith(".")
        )

    def dataset_path(self, name: str, day: dt.date | str | None = None) -> str:
        if day is None:
            return self.path("datasets", name, "data.parquet")
        return self.path("datasets", name, f"date={day_str(day)}", "part-0.parquet")

    # ---- datasets ------------------------------------------------------------------------
    def write_parquet(self, path: str, df: pd.DataFrame) -> str:
        """Write atomically (temp file then move), so readers never see half a file."""
        self.fs.makedirs(posixpath.dirname(path), exist_ok=True)
        tmp = f"{path}.{uuid.uuid4().hex}.tmp"
        with self.fs.open(tmp, "wb") as f:
            df.to_parquet(f, index=False)
        self.fs.mv(tmp, path)
        return path

    def write_dataset(self, name: str, df: pd.DataFrame, day: dt.date | str | None = None) -> str:
        return self.write_parquet(self.dataset_path(name, day), df)

    def write_table(self, name: str, table, day: dt.date | str | None = None) -> str:
        """Write a pyarrow Table as a dataset partition, atomically (list columns)."""
        import pyarrow.parquet as pq

        path = self.dataset_path(name, day)
        self.fs.makedirs(posixpath.dirname(path), exist_ok=True)
        tmp = f"{path}.{uuid.uuid4().hex}.tmp"
        with self.fs.open(tmp, "wb") as f:
            pq.write_table(table, f)
        self.fs.mv(tmp, path)
        return path

    def read_table(self, name: str, day: dt.date | str | None = None):
        """A dataset partition as a pyarrow Table (None when it is not stored)."""
        import pyarrow.parquet as pq

        if not self.has_dataset(name, day):
            return None
        with self.fs.open(self.dataset_path(name, day), "rb") as f:
            return pq.read_table(f)

    def has_dataset(self, name: str, day: dt.date | str | None = None) -> bool:
        return self.fs.exists(self.dataset_path(name, day))

    def dataset_days(self, name: str) -> list[str]:
        """Days of a partitioned dataset that have a written partition, sorted."""
        dirs = self._date_dirs(self.path("datasets", name))
        return sorted(
            d for d, p in dirs.items() if self.fs.exists(posixpath.join(p, "part-0.parquet"))
        )

    def read_dataset(
        self,
        name: str,
        days: Iterable[dt.date | str] | None = None,
        columns: list[str] | None = None,
    ) -> pd.DataFrame:
        """Read an unpartitioned dataset, or the given days of a partitioned one (all days if None)."""
        if days is None and self.has_dataset(name):
            paths = [self.dataset_path(name)]
        else:
            wanted = self.dataset_days(name) if days is None else [day_str(d) for d in days]
            paths = [self.dataset_path(name, d) for d in wanted if self.has_dataset(name, d)]
        frames = []
        for p in paths:
            with self.fs.open(p, "rb") as f:
                frames.append(pd.read_parquet(f, columns=columns))
        if not frames:
            return pd.DataFrame(columns=columns) if columns else pd.DataFrame()
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    # ---- reports -------------------------------------------------------------------------
    def report_path(self, name: str, ext: str = "json") -> str:
        return self.path("reports", f"{name}.{ext}")

    def write_report(self, name: str, metrics: dict[str, Any], markdown: str | None = None) -> str:
        """Write reports/<name>.json (the latest) and a timestamped copy in reports/history/<name>/."""
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        body = json.dumps(metrics, indent=2, sort_keys=True, default=str)
        for p in (self.report_path(name), self.path("reports", "history", name, f"{stamp}.json")):
            self.fs.makedirs(posixpath.dirname(p), exist_ok=True)
            with self.fs.open(p, "w") as f:
                f.write(body)
        if markdown is not None:
            with self.fs.open(self.report_path(name, "md"), "w") as f:
                f.write(markdown)
        return self.report_path(name)

    def read_report(self, name: str) -> dict[str, Any]:
        with self.fs.open(self.report_path(name), "r") as f:
            return json.load(f)

    def write_bytes(self, rel_path: str, data: bytes) -> str:
        p = self.path(rel_path)
        self.fs.makedirs(posixpath.dirname(p), exist_ok=True)
        with self.fs.open(p, "wb") as f:
            f.write(data)
        return p
