"""A failed quality check as a diagnosis a user can act on: what failed, where, and what to do next.

`diagnose(lake, cfg, result)` turns a failed QualityResult into plain text: the dataset and day,
each failed expectation with its count and examples, the landing files at fault (unreadable, lacking
required columns, or holding the bad rows) with a few of their rows, and the next step (set a file
aside with `rluf quarantine-file`, fix it, or which config key tolerates it). The `rluf` commands
print this text and the Dagster run failure carries the same.
"""

from __future__ import annotations

import pandas as pd

from rluf_core.config.schema import RlufConfig
from rluf_core.lake import Lake
from rluf_core.quality.result import CheckOutcome, QualityResult

FILE_OK = ("ok", "partial", "empty")
MAX_FILES = 10
MAX_ROWS = 3


MANIFEST_CHECKED = ("status", "missing_columns", "missing_optional", "type_issues", "extra_columns")


def _expectation_line(c: CheckOutcome) -> str:
    unit = "files" if c.column in MANIFEST_CHECKED else "rows"
    what = (
        f"{c.unexpected_count} of {c.element_count} {unit} unexpected"
        if c.kind == "gx"
        else c.observed or f"{c.unexpected_count} unexpected"
    )
    shown = [e for e in c.examples if e not in ("nan", "NaT", "None", "<NA>")][:3]
    ex = f"; e.g. {', '.join(shown)}" if shown and c.kind == "gx" else ""
    obs = f" ({c.observed})" if c.observed and c.kind == "gx" else ""
    return f"  - {c.label}: {what}{obs}{ex}"


def _manifest(lake: Lake, dataset: str, day: str) -> pd.DataFrame:
    name = f"{dataset}_files"
    return lake.read_dataset(name, [day]) if lake.has_dataset(name, day) else pd.DataFrame()


def unusable_files(files: pd.DataFrame) -> pd.DataFrame:
    """Manifest rows of files the raw gate refuses whole: unreadable, or lacking required
    columns."""
    if not len(files):
        return files
    missing = files.get("missing_columns", pd.Series("", index=files.index)).fillna("")
    return files[~files["status"].isin(FILE_OK) | (missing != "")]


def _file_line(f: pd.Series) -> str:
    if f["status"] not in FILE_OK:
        why = f"{f['status']}: {f['detail'] or 'cannot be read'}"
    else:
        why = f"lacks required columns {f['missing_columns']}"
    return f"  - {f['file']}: {str(why)[:300]}"


def _reason(f: pd.Series) -> str:
    return (
        "cannot be read"
        if f["status"] not in FILE_OK
        else f"lacks required columns {f['missing_columns']}"
    )


def _bad_rows(lake: Lake, dataset: str, day: str) -> pd.DataFrame:
    """The rows that could not be parsed, with their file, row and reason (file-level rows
    excluded)."""
    if not lake.has_dataset(dataset, day):
        return pd.DataFrame(columns=["_file", "_row", "_error", "_error_detail"])
    raw = lake.read_dataset(dataset, [day], columns=["_file", "_row", "_error", "_error_detail"])
    return raw[raw["_error"].notna() & (raw["_row"] >= 0)]


def _row_lines(bad: pd.DataFrame) -> list[str]:
    lines = []
    for file, g in list(bad.groupby("_file", sort=True))[:MAX_FILES]:
        reasons = ", ".join(f"{r} {n}" for r, n in g["_error"].value_counts().items())
        lines.append(f"  - {file}: {len(g)} rows ({reasons})")
        for row, err, detail in g.head(MAX_ROWS)[["_row", "_error", "_error_detail"]].itertuples(
            index=False
        ):
            lines.append(f"      row {row}: {err}: {str(detail or '')[:120]}")
    return lines


def _next_steps(
    failed: list[CheckOutcome], files: pd.DataFrame, bad: pd.DataFrame, cfg: RlufConfig, day: str
) -> list[str]:
    q = cfg.quality
    rerun = f"rluf run --from {day}"
    steps = [
        f'  - set it aside: rluf quarantine-file {f["file"]} --reason "{_reason(f)}"'
        for _, f in files.iterrows()
    ]
    if len(bad):
        counts = bad.groupby("_file").size()
        steps.append("  - fix the rows named above in their files, or set a file aside whole:")
        steps += [
            f'      rluf quarantine-file {f} --reason "{n} rows cannot be parsed"'
            for f, n in counts.head(MAX_FILES).items()
        ]
        steps.append(
            f"  - or raise quality.max_bad_row_fraction (now {q.max_bad_row_fraction}): the bad "
            f"rows "
            f"are then quarantined and the rest of the day goes on"
        )
    cols = {c.column for c in failed}
    names = {c.name for c in failed}
    if "volume_vs_trailing_days" in names:
        steps.append(
            f"  - the day's row count is far from the trailing days': if files are missing, add "
            f"them; "
            f"if the volume is right, raise quality.volume_max_ratio (now {q.volume_max_ratio:g})"
        )
    if "event_id" in cols:
        steps.append(
            f"  - too many repeated event ids: check the exporter, or raise "
            f"quality.max_duplicate_fraction (now {q.max_duplicate_fraction})"
        )
    if "love_rate_vs_trailing_days" in names:
        steps.append(
            f"  - the love rate moved far from the trailing days': check the reactions export, or "
            f"raise "
            f"quality.love_rate_max_ratio (now {q.love_rate_max_ratio:g})"
        )
    if not steps:
        steps.append("  - fix the landing files of the day so that the expectations above hold")
    steps.append(
        f"  then re-run the day: {rerun} (or re-materialise partition {day} in the Dagster UI; "
        f"the landing sensor requests it by itself when the day's files change)"
    )
    return steps


def diagnose(lake: Lake, cfg: RlufConfig, result: QualityResult) -> str:
    """The diagnosis of a failed QualityResult as plain text ('' when it passed)."""
    if result.success:
        return ""
    failed = [c for c in result.failed if c.severity == "error"]
    day, dataset = result.day, result.suite
    lines = [
        f"{dataset} {day} is held: {len(failed)} of {len(result.checks)} blocking expectations "
        f"failed "
        f"({result.n_rows} rows).",
        "Failed expectations:",
        *map(_expectation_line, failed),
    ]
    files = (
        unusable_files(_manifest(lake, dataset, day))
        if dataset.startswith("raw_")
        else pd.DataFrame()
    )
    if len(files):
        lines += [
            "Files that cannot be used:",
            *[_file_line(f) for _, f in files.head(MAX_FILES).iterrows()],
        ]
    bad = _bad_rows(lake, dataset, day) if dataset.startswith("raw_") else pd.DataFrame()
    if len(bad):
        lines += [f"Rows that could not be parsed ({len(bad)}):", *_row_lines(bad)]
    lines += ["Next step:", *_next_steps(failed, files, bad, cfg, day)]
    if dataset.startswith("raw_"):
        lines.append(
            f"Later days are ingested and cleaned as usual; retraining leaves {day} out while it "
            f"is held."
        )
    return "\n".join(lines)
