"""benchmarks.compare_lakes: two homes' datasets and reports compared, run-to-run noise aside."""

from __future__ import annotations

import pandas as pd

from benchmarks.compare_lakes import compare, differences, main, normalise
from rluf_core.lake import Lake


def _home(root, p_love: float, run_id: str):
    lake = Lake(str(root / "lake"))
    lake.write_dataset(
        "labeled_turns", pd.DataFrame({"turn_id": ["a", "b"], "label": [0, 1]}), "2026-01-01"
    )
    lake.write_dataset("feedback_dataset", pd.DataFrame({"turn_id": ["a"], "weight": [1.0]}))
    lake.write_report(
        "p_love_report",
        {
            "auroc": p_love,
            "mlflow_run_id": run_id,
            "generated_at": run_id,
            "train_seconds": len(run_id),
            "scorer_dir": f"{root}/reward/scorer",
            "slices": [{"topic": "casual", "n": 3}],
        },
    )
    return lake


def test_the_same_numbers_from_two_runs_are_the_same(tmp_path):
    a, b = _home(tmp_path / "a", 0.61, "run-1"), _home(tmp_path / "b", 0.61 + 1e-14, "run-22")
    lines = compare(a, b, (str(tmp_path / "a"), str(tmp_path / "b")))
    assert lines == [
        "feedback_dataset: same (unpartitioned)",
        "labeled_turns: same (1 days)",
        "report p_love_report: same; 1 numbers within 1e-09 (rounding)",
    ]
    assert main([str(tmp_path / "a"), str(tmp_path / "b")]) == 0


def test_a_changed_report_number_or_row_is_caught(tmp_path, capsys):
    _home(tmp_path / "a", 0.61, "r")
    b = _home(tmp_path / "b", 0.62, "r")
    b.write_dataset("feedback_dataset", pd.DataFrame({"turn_id": ["a"], "weight": [0.5]}))
    assert main([str(tmp_path / "a"), str(tmp_path / "b")]) == 1
    out = capsys.readouterr().out
    assert "feedback_dataset: DIFFERENT on ['all rows']" in out
    assert "report p_love_report: DIFFERENT at .auroc: 0.61 vs 0.62" in out


def test_volatile_keys_and_the_home_are_left_out():
    r = {"at": "2026", "a": {"code_version": "x", "path": "/h/lake/x", "fit_seconds": 3.0}, "n": 1}
    assert normalise(r, "/h") == {"a": {"path": "<home>/lake/x"}, "n": 1}
    assert differences({"n": [1, 2]}, {"n": [1, 2, 3]}) == ([".n (2 vs 3 items)"], [])
    assert differences({"ok": True}, {"ok": False}) == ([".ok: True vs False"], [])
