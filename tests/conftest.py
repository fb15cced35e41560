"""Shared fixtures: every test gets its own RLUF_HOME, so nothing touches the repo's .rluf."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# No hub downloads, ever, in tests.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MLFLOW_ENABLE_TELEMETRY", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


@pytest.fixture()
def rluf_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "rluf"
    monkeypatch.setenv("RLUF_HOME", str(home))
    monkeypatch.delenv("RLUF_CONFIG", raising=False)
    return home
