"""Setting a landing file aside: `rluf quarantine-file PATH --reason TEXT`.

The file moves out of the landing zone into the lake's quarantine zone, with an audit record, so
that
its day re-runs without it and nothing is lost or silent:

    <lake>/quarantine/files/<kind>/date=YYYY-MM-DD/<name>          the file, byte for byte
    <lake>/quarantine/audit/date=YYYY-MM-DD/<stamp>-<kind>-<name>.json   when, reason, sha256,
    size, path

The day's reconciliation (the `quarantine` asset) lists the day's audit records as
`files_set_aside`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import posixpath

from rluf_core.lake import LANDING_KINDS, Lake

ZONE = "quarantine"


class SetAsideError(ValueError):
    """The path is not a landing file of this lake (a one-line reason names it)."""


def landing_location(lake: Lake, path: str) -> tuple[str, str, str]:
    """(kind, day, lake path) of a landing file given as a local path, a lake path, or relative to
    the lake."""
    p = path if "://" in path else os.path.abspath(path) if os.path.exists(path) else path
    candidates = [p, lake.path(path.lstrip("/"))]
    full = next((c for c in candidates if lake.fs.isfile(c)), None)
    if full is None:
        raise SetAsideError(f"{path}: no such file (give a file under {lake.path('landing')})")
    rel = posixpath.relpath(lake.fs._strip_protocol(full), lake.fs._strip_protocol(lake.root))
    parts = rel.split("/")
    if (
        len(parts) != 4
        or parts[0] != "landing"
        or parts[1] not in LANDING_KINDS
        or not parts[2].startswith("date=")
    ):
        raise SetAsideError(
            f"{path}: not a landing file of lake {lake.uri} "
            f"(expected landing/<turns|reactions>/date=YYYY-MM-DD/<file>)"
        )
    return parts[1], parts[2][len("date=") :], full


def _free_name(lake: Lake, folder: str, name: str, stamp: str) -> str:
    target = posixpath.join(folder, name)
    return target if not lake.fs.exists(target) else posixpath.join(folder, f"{stamp}-{name}")


def quarantine_file(lake: Lake, path: str, reason: str, now: dt.datetime | None = None) -> dict:
    """Move a landing file into the quarantine zone and write its audit record; returns the
    record."""
    if not reason or not reason.strip():
        raise SetAsideError(f"{path}: --reason must say why the file is set aside")
    kind, day, full = landing_location(lake, path)
    data = lake.fs.cat_file(full)
    now = now or dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    name = posixpath.basename(full)
    target = _free_name(lake, lake.path(ZONE, "files", kind, f"date={day}"), name, stamp)
    record = {
        "when": now.isoformat(),
        "reason": reason.strip(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size_bytes": len(data),
        "original_path": full,
        "quarantined_path": target,
        "kind": kind,
        "day": day,
    }
    lake.fs.makedirs(posixpath.dirname(target), exist_ok=True)
    lake.fs.mv(full, target)
    lake.write_bytes(
        posixpath.join(ZONE, "audit", f"date={day}", f"{stamp}-{kind}-{name}.json"),
        json.dumps(record, indent=2).encode(),
    )
    return record


def file_audit(lake: Lake, day: str) -> list[dict]:
    """The audit records of files set aside from `day`'s landing folders, oldest first."""
    folder = lake.path(ZONE, "audit", f"date={day}")
    if not lake.fs.exists(folder):
        return []
    out = []
    for p in sorted(lake.fs.ls(folder, detail=False)):
        if p.endswith(".json"):
            with lake.fs.open(p, "r") as f:
                out.append(json.load(f))
    return out
