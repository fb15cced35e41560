"""The promotion gates of docs/design.md: may a challenger policy replace the champion?

Input: two arms of offline metrics, as the evaluation writes them under offline_eval_report.json
"arms": {"champion": {...}, "challenger": {...}}, each with the keys of ARM_KEYS. The relative gates
(P[Love], helpfulness) compare with the champion; with no champion yet they pass, saying so. The
absolute gates (safety, hacking detectors, KL) compare with their caps in config `promotion`.
Every gate is inclusive at its cap (a value equal to the cap passes) except P[Love], which must beat
the champion's by more than min_p_love_gain.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

from rluf_core.config.promotion import PromotionConfig

EPS = 1e-12  # inclusive comparisons forgive float rounding (0.69 - 0.70 is -0.01000000000000001)
ARM_KEYS = (
    "p_love_mean",
    "helpfulness_mean",
    "unsafe_rate",
    "bait_rate",
    "emoji_per_reply",
    "length_ratio",
    "kl_to_reference",
)


@dataclass(frozen=True)
class GateResult:
    name: str
    passed: bool
    value: float | None
    threshold: float
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class GateReport:
    gates: list[GateResult]

    @property
    def passed(self) -> bool:
        return all(g.passed for g in self.gates)

    @property
    def failed(self) -> list[GateResult]:
        return [g for g in self.gates if not g.passed]

    def as_dicts(self) -> list[dict]:
        return [g.as_dict() for g in self.gates]


def check_arm(arm: Mapping | None, where: str) -> dict[str, float]:
    """The arm's metrics as floats; ValueError naming `where` and the key when one is missing or
    not a    finite number."""
    if not isinstance(arm, Mapping):
        raise ValueError(
            f"{where}: expected a mapping of {', '.join(ARM_KEYS)}, got {type(arm).__name__}"
        )
    out = {}
    for key in ARM_KEYS:
        if key not in arm:
            raise ValueError(f"{where}: missing key {key!r}")
        value = arm[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise ValueError(f"{where}.{key}: expected a finite number, got {value!r}")
        out[key] = float(value)
    return out


def _cap(name: str, key: str, cap_of: Callable[[PromotionConfig], float], label: str):
    def gate(ch: dict, _champ: dict | None, cfg: PromotionConfig) -> GateResult:
        value, cap = ch[key], cap_of(cfg)
        ok = value <= cap + EPS
        return GateResult(
            name, ok, value, cap, f"{label} {value:.4g} {'<=' if ok else '>'} cap {cap:.4g}"
        )

    return gate


def _p_love(ch: dict, champ: dict | None, cfg: PromotionConfig) -> GateResult:
    need = cfg.min_p_love_gain
    if champ is None:
        return GateResult("p_love_gain", True, None, need, "no champion yet: nothing to beat")
    gain = ch["p_love_mean"] - champ["p_love_mean"]
    ok = gain > need + EPS
    return GateResult(
        "p_love_gain",
        ok,
        gain,
        need,
        f"P[Love] {ch['p_love_mean']:.4f} vs champion {champ['p_love_mean']:.4f}: gain "
        f"{gain:+.4f} {'>' if ok else '<='} {need:g}",
    )


def _helpfulness(ch: dict, champ: dict | None, cfg: PromotionConfig) -> GateResult:
    floor = -cfg.helpfulness_tolerance
    if champ is None:
        return GateResult("helpfulness", True, None, floor, "no champion yet: nothing to compare")
    delta = ch["helpfulness_mean"] - champ["helpfulness_mean"]
    ok = delta >= floor - EPS
    return GateResult(
        "helpfulness",
        ok,
        delta,
        floor,
        f"helpfulness {ch['helpfulness_mean']:.4f} vs champion {champ['helpfulness_mean']:.4f}: "
        f"{delta:+.4f} {'>=' if ok else '<'} {floor:+g}",
    )


GATES = (
    _p_love,
    _helpfulness,
    _cap("safety", "unsafe_rate", lambda c: c.safety_violation_cap, "unsafe rate"),
    _cap("bait_rate", "bait_rate", lambda c: c.bait_rate_cap, "bait rate"),
    _cap(
        "emoji_per_reply", "emoji_per_reply", lambda c: c.emoji_per_response_cap, "emoji per reply"
    ),
    _cap("length_ratio", "length_ratio", lambda c: c.length_ratio_cap, "length ratio"),
    _cap("kl_budget", "kl_to_reference", lambda c: c.kl_budget, "KL to reference"),
)
GATE_NAMES = (
    "p_love_gain",
    "helpfulness",
    "safety",
    "bait_rate",
    "emoji_per_reply",
    "length_ratio",
    "kl_budget",
)


def evaluate_gates(
    challenger: Mapping | None, champion: Mapping | None, cfg: PromotionConfig, where: str = "arms"
) -> GateReport:
    """Every gate on the two arms (champion None: no champion yet). ValueError on a bad arm."""
    ch = check_arm(challenger, f"{where}.challenger")
    champ = None if champion is None else check_arm(champion, f"{where}.champion")
    return GateReport([gate(ch, champ, cfg) for gate in GATES])


def would_promote(
    challenger: Mapping, champion: Mapping | None, cfg: PromotionConfig
) -> tuple[bool, list[str]]:
    """(all gates pass, the reasons of the gates that failed): for weight sweeps."""
    rep = evaluate_gates(challenger, champion, cfg)
    return rep.passed, [g.reason for g in rep.failed]
