"""SFT, GRPO and KTO on a tiny policy: they train, save atomically, generate, and GRPO resumes exactly."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import pytest

from rluf_core.config.evaluation import BaitLexicon
from rluf_core.evaluation.detectors import reply_flags
from rluf_core.judges.safety import SafetyJudge
from rluf_core.policy.checkpoint import HFPolicy, read_meta
from rluf_core.policy.kto import train_kto
from rluf_core.policy.rewards import RewardSet
from rluf_core.policy.rl import last_checkpoint, rl_dataset, train_policy
from rluf_core.policy.sft import train_base_policy
from tests.policy_fixtures import LengthScorer, small_config, turns


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    cfg = small_config()
    out = tmp_path_factory.mktemp("base")
    res = train_base_policy(turns(), cfg.policy, out, seed=0, device="cpu")
    return cfg, res


def _rewards(cfg):
    return RewardSet(
        p_love=LengthScorer(0.01),
        helpfulness=LengthScorer(0.05),
        judge=SafetyJudge(),
        cfg=cfg.policy,
        p_love_base=0.1,
        flags=partial(reply_flags, lexicon=BaitLexicon()),
    )


def test_sft_saves_a_policy_that_writes_replies(base):
    cfg, res = base
    assert (res.path / "model.safetensors").exists() and (res.path / "policy.json").exists()
    assert res.summary["sft_steps"] == 8 and res.summary["sft_pairs"] == 256
    assert not list(res.path.parent.glob(".policy.tmp-*"))  # the atomic write left nothing behind
    pol = HFPolicy.load(res.path)
    a = pol.generate(["How do I boil an egg?"] * 3, None, seed=3)
    assert len(a) == 3 and a == pol.generate(["How do I boil an egg?"] * 3, None, seed=3)  # seeded


def test_grpo_trains_logs_every_objective_and_resumes_to_the_same_end(base, tmp_path):
    cfg, res = base
    data = rl_dataset(turns(), 64, seed=0)
    seen: list[int] = []
    full = train_policy(
        res.path,
        data,
        _rewards(cfg),
        cfg.policy,
        tmp_path / "full",
        seed=0,
        on_metrics=lambda s, logs: seen.append(s),
    )
    assert full.summary["steps"] == 4 and not full.summary["interrupted"]
    last = [h for h in full.history if "reward" in h][-1]
    for name in ("p_love", "helpfulness", "safety", "monitor_bait", "monitor_words"):
        assert f"rewards/{name}/mean" in last
    assert "kl" in last and seen[:4] == [1, 2, 3, 4]
    assert read_meta(full.path)["reward_weights"]["p_love"] == 0.1

    part = tmp_path / "part"
    stopped = train_policy(
        res.path, data, _rewards(cfg), cfg.policy, part, seed=0, stop_after_steps=2
    )
    assert stopped.summary["interrupted"] and not (part / "policy").exists()  # nothing to load yet
    assert last_checkpoint(part / "rl-run" / stopped.summary["fingerprint"]).endswith(
        "checkpoint-2"
    )
    resumed = train_policy(res.path, data, _rewards(cfg), cfg.policy, part, seed=0)
    assert resumed.summary["resumed_from"].endswith("checkpoint-2")
    end_full = {k: v for k, v in last.items() if k.startswith(("rewards/", "kl"))}
    last_resumed = [h for h in resumed.history if "reward" in h][-1]
    end_resumed = {k: v for k, v in last_resumed.items() if k.startswith(("rewards/", "kl"))}
    assert last_resumed["step"] == 4
    assert end_resumed == pytest.approx(end_full, rel=1e-4, abs=1e-6)  # same seed: the same step 4


def test_kto_trains_on_binary_labels(base, tmp_path):
    cfg, res = base
    t = turns()
    fb = t.assign(label=(np.arange(len(t)) % 4 == 0).astype(int), weight=1.0, split="train")
    out = train_kto(
        res.path,
        fb,
        cfg.policy.model_copy(
            update={"kto": cfg.policy.kto.model_copy(update={"max_rows": 64, "batch_size": 16})}
        ),
        tmp_path,
        seed=0,
    )
    assert out.summary["steps"] >= 1 and (out.path / "model.safetensors").exists()
    assert read_meta(out.path)["kind"] == "kto"
    with pytest.raises(ValueError, match="loved and unloved"):
        train_kto(res.path, fb.assign(label=0), cfg.policy, tmp_path / "x")


def test_a_registered_policy_loads_back_from_the_registry_and_writes_replies(
    base, tmp_path, monkeypatch
):
    import mlflow
    from mlflow.tracking import fluent

    from rluf_core.model_aliases import set_alias
    from rluf_core.policy.registry import log_policy

    cfg, res = base
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    # MLflow's fluent state is process-wide: set it through monkeypatch so later tests get theirs back
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.delenv("MLFLOW_EXPERIMENT_ID", raising=False)
    monkeypatch.setattr(fluent, "_active_experiment_id", None)
    mlflow.set_tracking_uri(uri)
    try:
        mlflow.set_experiment("t")
        with mlflow.start_run():
            version = log_policy(res.path, "rluf-policy")
        set_alias(mlflow.MlflowClient(), "rluf-policy", "challenger", version)
        model = mlflow.pyfunc.load_model("models:/rluf-policy@challenger")
    finally:
        mlflow.set_tracking_uri(None)  # back to the environment's (restored by monkeypatch)
    out = model.predict(
        pd.DataFrame({"prompt": ["How do I boil an egg?", "Hi"], "context": [None, "[]"]})
    )
    assert version == "1" and len(out) == 2 and all(isinstance(r, str) for r in out)
