"""Compare two demo homes' lakes, every dataset and every report (a run against one of the code
before).

    python -m benchmarks.compare_lakes HOME_A HOME_B

Datasets: every dataset either lake holds (lake/datasets/*), partition by partition where it is
partitioned by day, landing file paths aside. Reports: every lake/reports/*.json, their numbers and
text, without what differs from run to run by itself (timestamps, MLflow run ids, durations and
rates, the home's path in paths). Prints one line per dataset and per report and exits 1 on any
difference beyond row order and float rounding. (Two runs of the same code differ that way already:
clean_reactions' row order is not fixed from run to run, and the per-user sums over it round
differently in the last bits.)
"""

from __future__ import annotations

import math
import posixpath
import sys

import pandas.testing as pdt

from rluf_core.lake import Lake

PATHS = ["_file", "file"]  # landing file paths name the home
# report keys whose values differ from run to run by themselves
VOLATILE = {"generated_at", "created_at", "at", "code_version", "mlflow_run_id", "run_id"}
VOLATILE_SUFFIXES = ("seconds", "_per_second", "_runtime")
FLOAT_RTOL = 1e-9  # report numbers: the same up to float rounding


def _close(x, y) -> bool:
    """The same rows up to their order and float rounding (sums over rows in another order)."""
    cols = [c for c in x.columns if x[c].dtype.kind not in "fc"]
    try:
        xs, ys = (f.sort_values(cols, kind="stable").reset_index(drop=True) for f in (x, y))
        pdt.assert_frame_equal(xs, ys, check_exact=False, rtol=1e-12, atol=1e-12)
        return True
    except (AssertionError, TypeError, ValueError):
        return False


def _names(lake: Lake, folder: str, suffix: str = "") -> set[str]:
    base = lake.path(folder)
    if not lake.fs.exists(base):
        return set()
    names = (posixpath.basename(p.rstrip("/")) for p in lake.fs.ls(base, detail=False))
    return {n.removesuffix(suffix) for n in names if n.endswith(suffix)}


def compare_dataset(a: Lake, b: Lake, name: str) -> str:
    """'same' (identical, or the same rows in another order / floats within 1e-12), or the
    difference."""
    days = a.dataset_days(name)
    if days != b.dataset_days(name):
        return f"{name}: days differ ({days} vs {b.dataset_days(name)})"
    exact, close = [], []
    for d in days or [None]:
        x, y = (
            lk.read_dataset(name, None if d is None else [d]).drop(columns=PATHS, errors="ignore")
            for lk in (a, b)
        )
        if x.equals(y):
            continue
        (close if _close(x, y) else exact).append(d or "all rows")
    what = f"{len(days)} days" if days else "unpartitioned"
    if exact:
        return f"{name}: DIFFERENT on {exact}"
    note = f"; {close}: the same rows in another order or floats within 1e-12" if close else ""
    return f"{name}: same ({what}){note}"


def _volatile(key: str) -> bool:
    return key in VOLATILE or key.endswith(VOLATILE_SUFFIXES)


def normalise(x, home: str):
    """A report without its volatile keys, the home's path written <home>."""
    if isinstance(x, dict):
        return {k: normalise(v, home) for k, v in x.items() if not _volatile(k)}
    if isinstance(x, list):
        return [normalise(v, home) for v in x]
    return x.replace(home, "<home>") if isinstance(x, str) else x


def differences(x, y, path: str = "") -> tuple[list[str], list[str]]:
    """(paths that differ, paths whose floats differ within FLOAT_RTOL) between two reports."""
    if isinstance(x, dict) and isinstance(y, dict):
        out: tuple[list[str], list[str]] = ([], [])
        for k in sorted(set(x) | set(y)):
            if k not in x or k not in y:
                out[0].append(f"{path}.{k} (in one only)")
                continue
            d, c = differences(x[k], y[k], f"{path}.{k}")
            out[0].extend(d)
            out[1].extend(c)
        return out
    if isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            return [f"{path} ({len(x)} vs {len(y)} items)"], []
        out = ([], [])
        for i, (u, v) in enumerate(zip(x, y, strict=True)):
            d, c = differences(u, v, f"{path}[{i}]")
            out[0].extend(d)
            out[1].extend(c)
        return out
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y))
    if numbers and x != y:
        if math.isnan(x) and math.isnan(y):
            return [], []
        if math.isclose(x, y, rel_tol=FLOAT_RTOL, abs_tol=1e-12):
            return [], [path]
        return [f"{path}: {x!r} vs {y!r}"], []
    return ([] if x == y else [f"{path}: {x!r} vs {y!r}"]), []


def compare_report(a: Lake, b: Lake, name: str, homes: tuple[str, str]) -> str:
    ra, rb = (normalise(lk.read_report(name), h) for lk, h in zip((a, b), homes, strict=True))
    diff, close = differences(ra, rb)
    if diff:
        more = f" (and {len(diff) - 3} more)" if len(diff) > 3 else ""
        return f"report {name}: DIFFERENT at {'; '.join(diff[:3])}{more}"
    note = f"; {len(close)} numbers within {FLOAT_RTOL:g} (rounding)" if close else ""
    return f"report {name}: same{note}"


def compare(a: Lake, b: Lake, homes: tuple[str, str] = ("", "")) -> list[str]:
    """One line per dataset and per report: 'same' or the first differences."""
    out = []
    datasets = _names(a, "datasets") | _names(b, "datasets")
    for name in sorted(datasets):
        out.append(compare_dataset(a, b, name))
    reports_a, reports_b = _names(a, "reports", ".json"), _names(b, "reports", ".json")
    if reports_a != reports_b:
        out.append(f"reports differ: {sorted(reports_a ^ reports_b)} in one home only")
    for name in sorted(reports_a & reports_b):
        out.append(compare_report(a, b, name, homes))
    return out


def main(argv: list[str] | None = None) -> int:
    homes = argv if argv is not None else sys.argv[1:]
    if len(homes) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    home_a, home_b = (h.rstrip("/") for h in homes)
    lines = compare(Lake(f"{home_a}/lake"), Lake(f"{home_b}/lake"), (home_a, home_b))
    print("\n".join(lines))
    return 1 if any("DIFFERENT" in x or "differ" in x for x in lines) else 0


if __name__ == "__main__":
    raise SystemExit(main())
