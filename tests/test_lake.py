"""The lake: partitioned and unpartitioned datasets, landing days, reports with history."""

import json

import pandas as pd

from rluf_core.lake import Lake


def test_datasets_partitions_and_reports(tmp_path):
    lake = Lake(str(tmp_path / "lake"))
    a = pd.DataFrame({"x": [1, 2]})
    b = pd.DataFrame({"x": [3]})
    lake.write_dataset("t", a, "2026-01-02")
    lake.write_dataset("t", b, "2026-01-01")
    assert lake.dataset_days("t") == ["2026-01-01", "2026-01-02"]
    assert lake.read_dataset("t")["x"].tolist() == [3, 1, 2]
    assert lake.read_dataset("t", ["2026-01-02"])["x"].tolist() == [1, 2]
    assert lake.read_dataset("missing", columns=["x"]).columns.tolist() == ["x"]
    lake.write_dataset("u", a)
    assert lake.read_dataset("u").equals(a)
    assert not list((tmp_path / "lake").rglob("*.tmp"))  # atomic writes leave no temp files

    (tmp_path / "lake/landing/turns/date=2026-01-05").mkdir(parents=True)
    (tmp_path / "lake/landing/turns/notes").mkdir()
    assert lake.landing_days("turns") == ["2026-01-05"]

    lake.write_report("r", {"auroc": 0.8}, markdown="# r\n")
    lake.write_report("r", {"auroc": 0.9})
    assert lake.read_report("r") == {"auroc": 0.9}
    history = sorted((tmp_path / "lake/reports/history/r").glob("*.json"))
    assert [json.loads(p.read_text())["auroc"] for p in history] == [0.8, 0.9]
    assert (tmp_path / "lake/reports/r.md").read_text() == "# r\n"
