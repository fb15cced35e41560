"""Promotion decisions: gated (policy, P[Love]), forced, rollback; each recorded, then applied.

Every function checks its input before it changes anything (a missing reason, an unknown version, an
unreachable registry: PromotionError or RegistryError, one line, no alias moved), then hands the
decision to rluf_core.model_aliases, which records it (MLflow tags: the history on the registered
model, the numbers on the version) and moves the aliases write-ahead. A decision is a JSON-able
dict: id, kind (gates | p_love | forced | rollback), model, version (the one decided on), outcome
(promoted | refused | rolled_back), champion_before, champion_after, gates, reason, moves, at.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from mlflow.tracking import MlflowClient

from rluf_core import model_aliases as ma
from rluf_core.config import RlufConfig
from rluf_core.promotion.gates import GateResult, evaluate_gates


class PromotionError(ValueError):
    """A promotion asked with bad input (no reason, nothing to roll back to, a stale report)."""


def decision_id(*parts: object) -> str:
    """A short deterministic id: the same decision asked again gets the same id."""
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def decide_policy(
    client: MlflowClient, cfg: RlufConfig, report: Mapping[str, Any]
) -> dict[str, Any]:
    """The gated decision on `promotion.model_name` from offline_eval_report's metrics.

    The challenger is report["challenger_version"] if given, else the version aliased `challenger`;
    when the report names a champion_version that is not the champion, it is stale: PromotionError.
    """
    name = cfg.promotion.model_name
    ma.finish_pending(client, name)
    state = ma.aliases(client, name)
    version = str(report.get("challenger_version") or state.get(ma.CHALLENGER) or "")
    if not version:
        raise ma.RegistryError(
            f"model {name!r} has no {ma.CHALLENGER!r} alias and the report names no version"
        )
    ma.require_version(client, name, version)
    champion = state.get(ma.CHAMPION)
    _check_fresh(report, champion)
    if (same := _unchanged(client, name, version, champion)) is not None:
        return same
    arms = report.get("arms")
    if not isinstance(arms, Mapping):
        raise PromotionError("offline_eval_report: missing key 'arms'")
    if champion is not None and "champion" not in arms:
        raise PromotionError(
            f"offline_eval_report: missing key 'arms.champion' (model {name!r} has a champion)"
        )
    # with no champion yet the evaluation's champion arm is the base policy: the challenger must beat it
    gates = evaluate_gates(
        arms.get("challenger"),
        arms.get("champion"),
        cfg.promotion,
        where="offline_eval_report.arms",
    ).gates
    return _gated(client, name, "gates", version, champion, gates)


def decide_p_love(client: MlflowClient, cfg: RlufConfig) -> dict[str, Any]:
    """rluf-p-love: the challenger becomes champion when its p_love_report check passed (version tag
    rluf.report_passed) and its test AUROC (rluf.test_auroc) is not below the champion's by more
    than promotion.p_love_auroc_tolerance."""
    name = cfg.reward_model.model_name
    ma.finish_pending(client, name)
    state = ma.aliases(client, name)
    version = state.get(ma.CHALLENGER)
    if version is None:
        raise ma.RegistryError(f"model {name!r} has no {ma.CHALLENGER!r} alias")
    champion = state.get(ma.CHAMPION)
    if (same := _unchanged(client, name, version, champion)) is not None:
        return same
    tags = client.get_model_version(name, version).tags
    passed = tags.get("rluf.report_passed") == "true"
    gates = [
        GateResult(
            "p_love_report_passed",
            passed,
            float(passed),
            1.0,
            "p_love_report check "
            + ("passed" if passed else tags.get("rluf.report_passed", "not run")),
        )
    ]
    gates.append(_auroc_gate(client, name, tags, champion, cfg.promotion.p_love_auroc_tolerance))
    return _gated(client, name, "p_love", version, champion, gates)


def force_promote(
    client: MlflowClient, name: str, version: str, reason: str, request_id: str | None = None
) -> dict[str, Any]:
    """Make `version` the champion whatever the gates say; `reason` is mandatory and recorded.
    `request_id` (e.g. the run's root id) makes a retried request return its first decision."""
    if not str(reason or "").strip():
        raise PromotionError(f"promote {name} version {version}: a reason is mandatory")
    version = str(version)
    ma.require_version(client, name, version)
    ma.finish_pending(client, name)
    did = decision_id("forced", name, version, request_id) if request_id else None
    if did and (earlier := ma.recorded(client, name, did)):
        return earlier
    champion = ma.alias_version(client, name, ma.CHAMPION)
    if (same := _unchanged(client, name, version, champion)) is not None:
        return same
    did = did or decision_id("forced", name, version, champion, reason)
    decision = _decision(did, "forced", name, version, champion, [], reason.strip(), promote=True)
    return ma.apply_decision(
        client,
        name,
        decision,
        {"rluf.decision_outcome": "promoted", "rluf.forced_reason": reason.strip()},
    )


def rollback(client: MlflowClient, name: str, request_id: str | None = None) -> dict[str, Any]:
    """Restore the previous champion; `previous` then points at the champion before it (or nowhere).
    The rolled-back version is tagged rluf.rolled_back and no longer promoted by the gates."""
    ma.finish_pending(client, name)
    did = decision_id("rollback", name, request_id) if request_id else None
    if did and (earlier := ma.recorded(client, name, did)):
        return earlier
    state = ma.aliases(client, name)
    current, previous = state.get(ma.CHAMPION), state.get(ma.PREVIOUS)
    if previous is None or current is None:
        raise PromotionError(
            f"rollback {name}: no previous champion to restore "
            f"(champion {current or 'none'}, previous none)"
        )
    before = _champion_before(client, name, previous)
    did = did or decision_id("rollback", name, current, previous)
    decision = {
        "id": did,
        "kind": "rollback",
        "model": name,
        "version": current,
        "outcome": "rolled_back",
        "champion_before": current,
        "champion_after": previous,
        "gates": [],
        "reason": f"rolled back version {current} to {previous}",
        "moves": [[ma.CHAMPION, previous], [ma.PREVIOUS, None if before == current else before]],
    }
    return ma.apply_decision(client, name, decision, {"rluf.rolled_back": "true"})


def _gated(
    client: MlflowClient,
    name: str,
    kind: str,
    version: str,
    champion: str | None,
    gates: list[GateResult],
) -> dict[str, Any]:
    ok = all(g.passed for g in gates)
    failed = [g.reason for g in gates if not g.passed]
    reason = "every gate passed" if ok else "refused: " + "; ".join(failed)
    did = decision_id(kind, name, version, champion)
    if client.get_model_version(name, version).tags.get("rluf.rolled_back") == "true":
        ok, reason = False, f"refused: version {version} was rolled back"
        did = decision_id(kind, name, version, champion, "rolled_back")
    decision = _decision(
        did, kind, name, version, champion, [g.as_dict() for g in gates], reason, promote=ok
    )
    tags = {"rluf.decision_outcome": decision["outcome"], "rluf.gates_passed": str(ok).lower()}
    tags.update(
        {
            f"rluf.gate.{g.name}": f"{'pass' if g.passed else 'fail'} {g.value} vs {g.threshold}"
            for g in gates
        }
    )
    return ma.apply_decision(client, name, decision, tags)


def _decision(
    did: str,
    kind: str,
    name: str,
    version: str,
    champion: str | None,
    gates: list[dict],
    reason: str,
    promote: bool,
) -> dict[str, Any]:
    moves = (
        (([[ma.PREVIOUS, champion]] if champion else []) + [[ma.CHAMPION, version]])
        if promote
        else []
    )
    return {
        "id": did,
        "kind": kind,
        "model": name,
        "version": version,
        "outcome": "promoted" if promote else "refused",
        "champion_before": champion,
        "champion_after": version if promote else champion,
        "gates": gates,
        "reason": reason,
        "moves": moves,
    }


def _unchanged(client: MlflowClient, name: str, version: str, champion: str | None) -> dict | None:
    """When `version` already is the champion: the decision that made it so (nothing to change)."""
    if champion is None or champion != version:
        return None
    made = [
        d
        for d in ma.history(client, name)
        if d.get("champion_after") == version and d.get("champion_before") != version
    ]
    base = (
        made[-1]
        if made
        else {
            "id": None,
            "kind": "none",
            "model": name,
            "version": version,
            "champion_before": version,
            "champion_after": version,
            "gates": [],
        }
    )
    return {**base, "outcome": "unchanged", "reason": f"version {version} already is the champion"}


def _champion_before(client: MlflowClient, name: str, version: str) -> str | None:
    made = [
        d
        for d in ma.history(client, name)
        if d.get("champion_after") == version and d.get("champion_before") != version
    ]
    return made[-1].get("champion_before") if made else None


def _auroc_gate(
    client: MlflowClient, name: str, tags: Mapping[str, str], champion: str | None, tolerance: float
) -> GateResult:
    value = _float(tags.get("rluf.test_auroc"))
    if champion is None:
        return GateResult(
            "test_auroc",
            value is not None,
            value,
            0.0,
            "no champion yet" if value is not None else "challenger has no rluf.test_auroc tag",
        )
    ref = _float(client.get_model_version(name, champion).tags.get("rluf.test_auroc"))
    if value is None or ref is None:
        return GateResult(
            "test_auroc", False, value, 0.0, "rluf.test_auroc tag missing on challenger or champion"
        )
    delta = value - ref
    ok = delta >= -tolerance
    return GateResult(
        "test_auroc",
        ok,
        delta,
        -tolerance,
        f"test AUROC {value:.4f} vs champion {ref:.4f}: "
        f"{delta:+.4f} {'>=' if ok else '<'} {-tolerance:+g}",
    )


def _check_fresh(report: Mapping[str, Any], champion: str | None) -> None:
    named = report.get("champion_version")
    if named is not None and champion is not None and str(named) != champion:
        raise PromotionError(
            f"offline_eval_report compares champion version {named} but the champion is "
            f"{champion}: re-run the evaluation"
        )


def _float(text: str | None) -> float | None:
    try:
        return None if text is None else float(text)
    except ValueError:
        return None
