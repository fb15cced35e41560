"""What the policy job reads, found and checked before any training (one clear line if missing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rluf_core.config import RlufConfig
from rluf_core.lake import Lake


@dataclass
class PolicyInputs:
    base_dir: Path
    p_love_dir: Path
    p_love_version: str | None
    helpfulness_dir: Path


def _report(lake: Lake, name: str, asset: str) -> dict[str, Any]:
    try:
        return lake.read_report(name)
    except (FileNotFoundError, OSError):
        raise SystemExit(f"{lake.report_path(name)}: missing; materialise {asset} first") from None


def _existing(path: str | None, what: str, where: str) -> Path:
    if not path or not Path(path).exists():
        raise SystemExit(f"{what} {path!r} (from {where}) does not exist; materialise it again")
    return Path(path)


def find_inputs(cfg: RlufConfig) -> PolicyInputs:
    lake = Lake(cfg.storage.lake)
    base = _report(lake, "base_policy", "base_policy")
    p_love = _report(lake, "p_love_model", "p_love_model")
    helpful = _report(lake, "helpfulness_model", "helpfulness_model")
    base_dir = _existing(base.get("policy_dir"), "base policy", lake.report_path("base_policy"))
    if not (base_dir / "policy.json").exists():
        raise SystemExit(
            f"{base_dir}: not a saved policy (policy.json missing); materialise base_policy again"
        )
    return PolicyInputs(
        base_dir=base_dir,
        p_love_dir=_existing(
            p_love.get("scorer_dir"), "P[Love] scorer", lake.report_path("p_love_model")
        ),
        p_love_version=p_love.get("model_version"),
        helpfulness_dir=_existing(
            helpful.get("scorer_dir"), "helpfulness scorer", lake.report_path("helpfulness_model")
        ),
    )
