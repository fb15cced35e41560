"""Compare two demo lakes dataset by dataset (the fast path against a run of the code before it).

    python -m benchmarks.compare_lakes HOME_A HOME_B

Compares every partition of the daily datasets the data part writes, feedback_dataset, and the
feedback report's numbers (its timestamps aside); prints one line per dataset and exits 1 on any
difference beyond row order and float rounding. (Two runs of the same code differ that way already:
clean_reactions' row order is not fixed from run to run, and the per-user sums over it round
differently in the last bits.)
"""

from __future__ import annotations

import json
import sys

import pandas.testing as pdt

from rluf_core.lake import Lake

DAILY = [
    "raw_turns",
    "raw_reactions",
    "clean_turns",
    "clean_reactions",
    "labeled_turns",
    "quarantine",
    "user_daily_stats",
    "user_coreaction_daily",
    "coordinated_reactions",
    "quality_fit_sample",
    "user_reputation",
]
VOLATILE = {"generated_at", "seconds", "created_at", "code_version"}


PATHS = ["_file", "file"]  # landing file paths name the home


def _close(x, y) -> bool:
    """The same rows up to their order and float rounding (sums over rows in another order)."""
    cols = [c for c in x.columns if x[c].dtype.kind not in "fc"]
    try:
        xs, ys = (f.sort_values(cols, kind="stable").reset_index(drop=True) for f in (x, y))
        pdt.assert_frame_equal(xs, ys, check_exact=False, rtol=1e-12, atol=1e-12)
        return True
    except (AssertionError, TypeError, ValueError):
        return False


def _strip(x):
    if isinstance(x, dict):
        return {k: _strip(v) for k, v in x.items() if k not in VOLATILE}
    return [_strip(v) for v in x] if isinstance(x, list) else x


def compare(a: Lake, b: Lake) -> list[str]:
    """One line per dataset: 'same' or the first difference."""
    out = []
    for name in DAILY:
        days = a.dataset_days(name)
        if days != b.dataset_days(name):
            out.append(f"{name}: days differ")
            continue
        exact, close = [], []
        for d in days:
            x, y = (
                lk.read_dataset(name, [d]).drop(columns=PATHS, errors="ignore") for lk in (a, b)
            )
            if x.equals(y):
                continue
            (close if _close(x, y) else exact).append(d)
        if exact:
            out.append(f"{name}: DIFFERENT on {exact}")
        else:
            out.append(
                f"{name}: same ({len(days)} days)"
                + (
                    f"; {close}: the same rows in another order or floats within 1e-12"
                    if close
                    else ""
                )
            )
    try:
        pdt.assert_frame_equal(
            a.read_dataset("feedback_dataset"), b.read_dataset("feedback_dataset"), check_exact=True
        )
        out.append("feedback_dataset: same")
    except AssertionError as e:
        out.append(f"feedback_dataset: DIFFERENT {str(e).splitlines()[0]}")
    ra, rb = (_strip(lk.read_report("feedback_dataset")) for lk in (a, b))
    same = json.dumps(ra, sort_keys=True, default=str) == json.dumps(
        rb, sort_keys=True, default=str
    )
    out.append("feedback_dataset report: " + ("same" if same else "DIFFERENT"))
    return out


def main(argv: list[str] | None = None) -> int:
    homes = argv if argv is not None else sys.argv[1:]
    lines = compare(*(Lake(f"{h}/lake") for h in homes))
    print("\n".join(lines))
    return 1 if any("DIFFERENT" in x or "differ" in x for x in lines) else 0


if __name__ == "__main__":
    raise SystemExit(main())
