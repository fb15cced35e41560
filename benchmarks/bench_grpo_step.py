"""One GRPO step of rluf's policy trainer against a plain TRL GRPO script (issue 28: ratio >= 0.9).

    python -m benchmarks.run grpo_step [--quick]

Both arms train the same tiny base policy (SFT on simulated turns, built here) on the same prompts with
the same reward functions (rluf's RewardSet over stand-in scorers, so the rows time the trainer and not
the reward models) and the same batch; the plain arm builds GRPOConfig/GRPOTrainer by hand the way
TRL's documentation does. Arms alternate over rounds and the median step time of each is compared.
Writes benchmarks/results/bench_grpo_step.json.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np

from rluf_core.config import parse_config
from rluf_core.config.evaluation import BaitLexicon
from rluf_core.evaluation.detectors import reply_flags
from rluf_core.judges.safety import SafetyJudge
from rluf_core.policy.rewards import RewardSet
from rluf_core.policy.rl import rl_dataset, train_policy
from rluf_core.policy.sft import train_base_policy

RESULT_FILE = "bench_grpo_step.json"


class _Length:
    def score(self, contexts, prompts, responses) -> np.ndarray:
        return np.array([min(1.0, 0.02 * len(r.split())) for r in responses])


def _setup(tmp: Path, quick: bool):
    import datetime as dt

    from rluf_core.simulation.population import make_population
    from rluf_core.simulation.traffic import generate_turns

    cfg = parse_config(
        {
            "source": {"simulator": {"n_users": 2000, "turns_per_day": 3000}},
            "policy": {
                "steps": 3 if quick else 6,
                "sft": {"max_pairs": 500 if quick else 3000},
                "grpo": {"log_every": 1, "checkpoint_every": 1000},
            },
        }
    )
    pop = make_population(cfg.source.simulator)
    turns = generate_turns(pop, cfg.source.simulator, dt.date(2026, 1, 1), 0)
    base = train_base_policy(turns, cfg.policy, tmp / "base", seed=0, device="cpu").path
    rewards = RewardSet(
        p_love=_Length(),
        helpfulness=_Length(),
        judge=SafetyJudge(),
        cfg=cfg.policy,
        p_love_base=0.5,
        flags=partial(reply_flags, lexicon=BaitLexicon()),
    )
    return cfg, base, rl_dataset(turns, 2000, 0), rewards


def _plain(cfg, base: Path, data, rewards, out: Path) -> float:
    """TRL's GRPO as its documentation writes it: the same model, rewards, weights and batch."""
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import GRPOConfig, GRPOTrainer

    g = cfg.policy.grpo
    funcs, weights = rewards.functions()
    tok = AutoTokenizer.from_pretrained(base)
    tok.padding_side = "left"
    args = GRPOConfig(
        output_dir=str(out),
        max_steps=cfg.policy.steps,
        learning_rate=cfg.policy.learning_rate,
        per_device_train_batch_size=g.prompts_per_step * g.num_generations,
        num_generations=g.num_generations,
        max_completion_length=g.max_completion_tokens,
        beta=cfg.policy.kl_coef,
        reward_weights=weights,
        report_to=[],
        use_cpu=True,
        save_strategy="no",
        logging_steps=1,
        seed=0,
        top_k=0,
        loss_type=g.loss_type,
        activation_checkpointing=False,
        disable_tqdm=True,
    )
    trainer = GRPOTrainer(
        model=AutoModelForCausalLM.from_pretrained(base),
        reward_funcs=funcs,
        args=args,
        train_dataset=Dataset.from_pandas(data, preserve_index=False),
        processing_class=tok,
    )
    t0 = time.perf_counter()
    trainer.train()
    return time.perf_counter() - t0


def _rluf(cfg, base: Path, data, rewards, out: Path) -> float:
    t0 = time.perf_counter()
    train_policy(base, data, rewards, cfg.policy, out, seed=0, device="cpu")
    return time.perf_counter() - t0


def run(args) -> dict:
    quick = bool(getattr(args, "quick", False))
    with tempfile.TemporaryDirectory() as tmp:
        cfg, base, data, rewards = _setup(Path(tmp), quick)
        g = cfg.policy.grpo
        samples = cfg.policy.steps * g.prompts_per_step * g.num_generations
        times: dict[str, list[float]] = {"rluf": [], "plain_trl": []}
        for r in range(1 if quick else 3):
            for name, fn in (("rluf", _rluf), ("plain_trl", _plain)):
                times[name].append(fn(cfg, base, data, rewards, Path(tmp) / f"{name}-{r}"))
    rows = []
    for name, ts in times.items():
        med = statistics.median(ts)
        rows.append(
            {
                "arm": name,
                "steps": cfg.policy.steps,
                "samples_per_step": samples // cfg.policy.steps,
                "seconds_median": round(med, 2),
                "samples_per_s": round(samples / med, 2),
                "completion_tokens_per_s": round(samples * g.max_completion_tokens / med, 1),
            }
        )
    ratio = rows[1]["seconds_median"] / rows[0]["seconds_median"]
    return {
        "rows": rows,
        "throughput_ratio_rluf_over_plain": round(ratio, 3),
        "note": "completion tokens per second counts max_completion_tokens per sample (an upper bound)",
    }
