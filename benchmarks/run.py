"""Run benchmarks: `python -m benchmarks.run [name ...]` (default: every benchmarks/bench_*.py).

Each benchmark module exposes `run(args) -> dict` with a "rows" list (the table) and anything else
worth keeping; the runner prints the table and writes benchmarks/results/<name>.json (or the module's
RESULT_FILE; results/quick/ for --quick) with the machine, the code version and the time it took.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def available() -> list[str]:
    return sorted(p.stem[len("bench_") :] for p in HERE.glob("bench_*.py"))


def machine() -> dict:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_avg_at_start": load,
    }


def _cell(v) -> str:
    """A table cell: floats under 1 (AUROC, shares, deltas) to 4 decimals, others to 2; ints with separators."""
    if isinstance(v, float):
        return f"{v:.4f}" if abs(v) < 1 else f"{v:,.2f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def print_table(rows: list[dict]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    text = [[_cell(r.get(c)) for c in cols] for r in rows]
    widths = [max(len(c), *(len(t[i]) for t in text)) for i, c in enumerate(cols)]
    print("  ".join(c.rjust(w) for c, w in zip(cols, widths)))
    print("  ".join("-" * w for w in widths))
    for t in text:
        print("  ".join(v.rjust(w) for v, w in zip(t, widths)))


def write_result(
    file_name: str, result: dict, t0: float, at_start: dict, quick: bool = False
) -> Path:
    """results/<file_name> (results/quick/ for --quick runs, so they never replace a full run's numbers)
    with the machine at the start, the code version and the time it took."""
    from rluf_core.runinfo import code_version

    out = {
        "seconds_total": time.perf_counter() - t0,
        "machine": at_start,
        "code_version": code_version(),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "quick": quick,
        **result,
    }
    path = (RESULTS / "quick" if quick else RESULTS) / file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2, default=str))
    return path


def run_one(name: str, args: argparse.Namespace) -> dict:
    mod = importlib.import_module(f"benchmarks.bench_{name}")
    at_start = machine()
    t0 = time.perf_counter()
    if not hasattr(mod, "run"):  # a module with only main(): it prints and writes its own results
        mod.main(["--quick"] if args.quick else [])
        return {"benchmark": name, "seconds_total": time.perf_counter() - t0}
    result = mod.run(args)
    path = write_result(
        getattr(mod, "RESULT_FILE", f"{name}.json"),
        {"benchmark": name, **result},
        t0,
        at_start,
        quick=bool(args.quick),
    )
    print(f"\n== {name} ==")
    print_table(result.get("rows", []))
    print(f"-> {path.relative_to(HERE.parent)}")
    return {"benchmark": name, **result}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.splitlines()[0]
    )
    p.add_argument(
        "names", nargs="*", help=f"benchmarks to run (default all: {', '.join(available())})"
    )
    p.add_argument("--quick", action="store_true", help="a small size, to check the harness")
    args = p.parse_args(argv)
    names = args.names or available()
    unknown = [n for n in names if n not in available()]
    if unknown:
        p.error(f"unknown benchmark(s) {unknown}; available: {available()}")
    for n in names:
        run_one(n, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
