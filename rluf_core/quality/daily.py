"""One day through ingest, cleaning and the quality gate, lake in and lake out (what the assets call).

Datasets written per day: raw_<kind> and raw_<kind>_files (the landing files' manifest),
clean_turns, clean_reactions, labeled_turns, quarantine (plus quarantine_turns/quarantine_reactions,
the per-source parts it is assembled from); reconciliation dicts under reconciliation/<source>/.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

import pandas as pd

from rluf_core.cleaning.labels import label_turns, reaction_days_needed
from rluf_core.cleaning.quarantine import concat_quarantine
from rluf_core.cleaning.reactions import (
    REACTION_EVENT_COLUMNS,
    TURN_LOOKUP_COLUMNS,
    clean_reactions,
)
from rluf_core.cleaning.turns import clean_turns
from rluf_core.config.data import LabelsConfig
from rluf_core.config.schema import RlufConfig
from rluf_core.ingest.reader import read_landing_day
from rluf_core.ingest.set_aside import file_audit
from rluf_core.lake import Lake
from rluf_core.quality.validate import (
    clear_result,
    require_not_failed,
    require_passed,
    stored_result,
)

log = logging.getLogger(__name__)


def _shift(day: str, n: int) -> str:
    return (dt.date.fromisoformat(str(day)) + dt.timedelta(days=n)).isoformat()


def _recon_path(source: str, day: str) -> str:
    return f"reconciliation/{source}/date={day}.json"


def read_reconciliation(lake: Lake, source: str, day: str) -> dict | None:
    p = lake.path(_recon_path(source, day))
    if not lake.fs.exists(p):
        return None
    with lake.fs.open(p, "r") as f:
        return json.load(f)


def ingest_day(lake: Lake, kind: str, day: str) -> dict:
    """Landing files of `kind` for `day` -> raw_<kind> (+ its file manifest)."""
    t0 = time.time()
    batch = read_landing_day(lake, kind, day)
    lake.write_dataset(f"raw_{kind}", batch.frame, day)
    lake.write_dataset(f"raw_{kind}_files", batch.files, day)
    clear_result(lake, f"raw_{kind}", day)
    return {
        "rows": len(batch.frame),
        "files": len(batch.files),
        "bytes": batch.n_bytes,
        "unparsed_rows": int(batch.frame["_error"].notna().sum()) if len(batch.frame) else 0,
        "files_with_problems": int((batch.files["status"] != "ok").sum())
        if len(batch.files)
        else 0,
        "seconds": round(time.time() - t0, 3),
        "frame": batch.frame,
        "files_table": batch.files,
    }


def clean_turns_day(lake: Lake, cfg: RlufConfig, day: str) -> dict:
    require_passed(lake, cfg, "raw_turns", day)
    raw = lake.read_dataset("raw_turns", [day])
    clean, q, recon = clean_turns(
        raw, day, cfg.quality, cfg.privacy, earlier_turn_ids(lake, cfg, day)
    )
    lake.write_dataset("clean_turns", clean, day)
    lake.write_dataset("quarantine_turns", q, day)
    lake.write_bytes(_recon_path("turns", day), json.dumps(recon).encode())
    clear_result(lake, "clean_turns", day)
    return {"reconciliation": recon, "clean": clean, "quarantine": q}


def _lookback_turns(
    lake: Lake, cfg: RlufConfig, day: str, columns: list[str], day_column: str, include_day: bool
) -> pd.DataFrame:
    """`columns` of the clean turns of the lookback days (and of `day` itself if `include_day`), each row
    with the partition it landed in as `day_column`."""
    days = [_shift(day, -i) for i in range(cfg.quality.lookback_days, -1 if include_day else 0, -1)]
    parts = [
        lake.read_dataset("clean_turns", [d], columns=columns).assign(**{day_column: d})
        for d in days
        if lake.has_dataset("clean_turns", d)
    ]
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=[*columns, day_column])
    )


def earlier_turn_ids(lake: Lake, cfg: RlufConfig, day: str) -> pd.DataFrame:
    """turn_id and partition day of the clean turns of the lookback days before `day`."""
    return _lookback_turns(lake, cfg, day, ["turn_id"], "day", include_day=False)


def turn_lookup(lake: Lake, cfg: RlufConfig, day: str) -> pd.DataFrame:
    """The lookback days' clean turns, each with the partition it landed in (`turn_day`, which labels it)."""
    return _lookback_turns(lake, cfg, day, TURN_LOOKUP_COLUMNS, "turn_day", include_day=True)


def clean_reactions_day(lake: Lake, cfg: RlufConfig, day: str) -> dict:
    require_passed(lake, cfg, "raw_reactions", day)
    raw = lake.read_dataset("raw_reactions", [day])
    clean, q, recon = clean_reactions(
        raw, turn_lookup(lake, cfg, day), day, cfg.quality, cfg.privacy
    )
    lake.write_dataset("clean_reactions", clean, day)
    lake.write_dataset("quarantine_reactions", q, day)
    lake.write_bytes(_recon_path("reactions", day), json.dumps(recon).encode())
    clear_result(lake, "clean_reactions", day)
    return {"reconciliation": recon, "clean": clean, "quarantine": q}


def label_day(lake: Lake, cfg: RlufConfig, day: str) -> dict:
    """labeled_turns for `day` from clean_turns(day) and clean_reactions of the label-window days.
    Refuses (QualityGateError) a day whose clean_turns check failed, even in a later run (relabel)."""
    require_not_failed(lake, cfg, ("clean_turns",), day)
    turns = lake.read_dataset("clean_turns", [day])
    needed = reaction_days_needed(day, cfg.labels)
    present = [d for d in needed if lake.has_dataset("clean_reactions", d)]
    through = None
    for d in needed:
        if d not in present:
            break
        through = d
    rx = lake.read_dataset("clean_reactions", present)
    if len(rx):
        rx = rx[rx["turn_day"].astype(str) == str(day)]
    else:
        rx = pd.DataFrame(columns=REACTION_EVENT_COLUMNS)
    labeled = label_turns(turns, rx, cfg.labels, through)
    lake.write_dataset("labeled_turns", labeled, day)
    clear_result(lake, "labeled_turns", day)
    return {
        "labeled": labeled,
        "reaction_days": present,
        "available_through": through,
        "window_complete_share": float(labeled["label_window_complete"].mean())
        if len(labeled)
        else 0.0,
        "love_rate": float(labeled["label"].mean()) if len(labeled) else 0.0,
    }


def quarantine_day(lake: Lake, day: str, write: bool = True) -> dict:
    """The day's quarantine (both sources) and the combined reconciliation, with the audit records of
    the day's landing files set aside (`files_set_aside`)."""
    parts, recons = [], {}
    for source in ("turns", "reactions"):
        if lake.has_dataset(f"quarantine_{source}", day):
            parts.append(lake.read_dataset(f"quarantine_{source}", [day]))
        recons[source] = read_reconciliation(lake, source, day)
    q = concat_quarantine(*parts)
    if write:
        lake.write_dataset("quarantine", q, day)
    done = [r for r in recons.values() if r]
    total = {
        "input_rows": sum(r["input_rows"] for r in done),
        "clean": sum(r["clean"] for r in done),
        "quarantined": sum(r["quarantined"] for r in done),
        "duplicates_collapsed": sum(r["duplicates_collapsed"] for r in done),
        "quarantine_rows_written": len(q),
    }
    total["balanced"] = (
        all(r["balanced"] for r in done)
        and total["input_rows"]
        == total["clean"] + total["quarantined"] + total["duplicates_collapsed"]
        and total["quarantined"] == len(q)
    )
    total["files_set_aside"] = file_audit(
        lake, day
    )  # whole landing files moved out by `rluf quarantine-file`
    return {"quarantine": q, "by_source": recons, "total": total}


def day_settled(lake: Lake, day: str) -> bool:
    """The run for `day` is over: labelled, or stopped by a failed raw check."""
    if lake.has_dataset("labeled_turns", day):
        return True
    return any(
        (r := stored_result(lake, f"raw_{k}", day)) is not None and not r.success
        for k in ("turns", "reactions")
    )


def days_to_relabel(
    lake: Lake, labels: LabelsConfig, relabelled: list[str]
) -> tuple[list[str], list[str]]:
    """Labelled days whose whole label window of reactions has now arrived but whose labels were
    made before it (label_window_complete false), and `relabelled` with every day looked at added."""
    relabelled = list(relabelled)
    due = []
    for day in lake.dataset_days("labeled_turns"):
        if day in relabelled or not all(
            lake.has_dataset("clean_reactions", d) for d in reaction_days_needed(day, labels)
        ):
            continue
        relabelled.append(day)
        complete = lake.read_dataset("labeled_turns", [day], columns=["label_window_complete"])
        if len(complete) and not bool(complete["label_window_complete"].all()):
            due.append(day)
    return due, relabelled
