"""P[Love] scoring throughput on CPU: responses/s at 128 tokens, as a fraction of this machine's
measured float32 matmul peak (forward FLOPs per second / FLOPs per second of a large matmul, both
timed in the same run).

    python -m benchmarks.bench_scoring [--quick] [--batch 64] [--threads N] [--device cuda] [--backbone PATH]

Rows: the encoder forward alone (what the FLOPs count covers: MiniLM at exactly 128 tokens), the
full PLoveScorer.score (tokenisation, features, head, wide word model and calibration) on texts of 128 tokens
encoded whole, and the scorer as shipped (`reward_model` defaults: sentence chunking, relevance counts, a 3-member
head, the wide word model; trained for one epoch on synthetic feedback) on 128-token texts of 8 sentences, its
FLOPs counted over its own forward passes (every sentence, query and prompt).
Goal: the forward at >= 40% of peak. With --device cuda the same rows on a GPU, against a float32 matmul on
that GPU (TF32 off, torch's default), written to bench_scoring_<device>.json.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULT_FILE = "bench_scoring.json"  # the file README cites, whether run alone or by benchmarks.run
TOKENS = 128


def _best(fn, repeats: int) -> float:
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _synced(fn, device):
    """fn, then wait for the device (GPU work is asynchronous)."""
    import torch

    def run():
        out = fn()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        return out

    return run


def matmul_peak(n: int | None = None, repeats: int = 5, device=None) -> float:
    import torch

    device = device or torch.device("cpu")
    n = n or (
        2048 if device.type == "cpu" else 8192
    )  # a GPU needs a larger product to reach its peak
    a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
    inner = 4
    sec = _best(_synced(lambda: [a @ b for _ in range(inner)], device), repeats) / inner
    return 2 * n**3 / sec


def _row(what: str, batch: int, responses: int, sec: float, flops: float, peak: float) -> dict:
    """One table row: `responses` scored in `sec` seconds at `flops` forward FLOPs each, against the matmul peak."""
    return dict(
        what=what,
        batch=batch,
        tokens=TOKENS,
        responses_per_s=responses / sec,
        gflop_per_response=flops / 1e9,
        achieved_gflops=flops * responses / sec / 1e9,
        peak_matmul_gflops=peak / 1e9,
        fraction_of_peak=flops * responses / sec / peak,
    )


def _sentences(text: str, per: int = TOKENS // 8) -> str:
    """The same words as 8 sentences (the shipped scorer encodes each sentence on its own)."""
    w = text.split()
    return " ".join(" ".join(w[i : i + per]).capitalize() + "." for i in range(0, len(w), per))


def _shipped_row(
    texts: list[str], peak: float, device, backbone: str, batch: int, repeats: int
) -> dict:
    """PLoveScorer.score with the shipped reward_model defaults, trained briefly on synthetic feedback."""
    import tempfile

    from torch.utils.flop_counter import FlopCounterMode

    from rluf_core.config.reward import RewardModelConfig
    from rluf_core.reward.training.synthetic import make_feedback
    from rluf_core.reward.training.train import train_reward_model

    rm = RewardModelConfig(backbone=backbone, epochs=1, embed_batch_size=batch)
    with tempfile.TemporaryDirectory() as tmp:
        scorer = train_reward_model(
            make_feedback(600, seed=0)[0], rm, tmp, device=str(device), save=False
        ).scorer
    prompts = [
        f"How should I plan step {i} of this project?" for i in range(len(texts))
    ]  # one query each

    def score():
        scorer.encoder.cache.index.clear()  # no cache hits: every call embeds everything
        scorer.score(None, prompts, texts)

    scorer.encoder.cache.index.clear()
    with FlopCounterMode(display=False) as fc:
        scorer.score(None, prompts, texts)
    flops = fc.get_total_flops() / len(texts)
    sec = _best(score, max(1, repeats // 2))
    return _row(
        "PLoveScorer.score as shipped (sentence chunking, relevance, 3 heads, wide)",
        batch,
        len(texts),
        sec,
        flops,
        peak,
    )


def run(args) -> dict:
    import numpy as np
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from rluf_core.reward.features.embed import TextEncoder
    from rluf_core.reward.models import backbone as bb
    from rluf_core.reward.models.calibration import Calibrator
    from rluf_core.reward.models.head import Head
    from rluf_core.reward.models.wide import WideText
    from rluf_core.reward.scoring.scorer import PLoveScorer

    quick = getattr(args, "quick", False)
    batch = getattr(args, "batch", None) or 64
    if getattr(args, "threads", None):
        torch.set_num_threads(args.threads)
    repeats = 2 if quick else 5
    device = bb.pick_device(getattr(args, "device", None) or "cpu")
    backbone = getattr(args, "backbone", None) or "minilm"
    model = bb.load_encoder(backbone).eval().to(device)
    tok = bb.load_tokenizer(backbone)
    ids = torch.randint(1000, 29000, (batch, TOKENS))
    ids[:, 0], ids[:, -1] = tok.cls_token_id, tok.sep_token_id
    inputs = {
        "input_ids": ids,
        "attention_mask": torch.ones_like(ids),
        "token_type_ids": torch.zeros_like(ids),
    }
    inputs = {k: v.to(device) for k, v in inputs.items()}
    with torch.no_grad():
        with FlopCounterMode(display=False) as fc:
            model(**inputs)
        flops = fc.get_total_flops() / batch
        peak = matmul_peak(repeats=repeats, device=device)
        fwd = _best(_synced(lambda: model(**inputs), device), repeats)
        peak_after = matmul_peak(repeats=repeats, device=device)
    peak = max(peak, peak_after)
    rows = [
        _row(f"encoder forward (MiniLM-L6, fp32, {device.type})", batch, batch, fwd, flops, peak)
    ]
    # the served object end to end, on texts that tokenise to 128 tokens (whole-text encoding)
    words = tok.convert_ids_to_tokens(list(range(2000, 2000 + 4 * TOKENS)))
    words = [w for w in words if w.isalpha()]
    rng = np.random.default_rng(0)
    texts = []
    while len(texts) < 4 * batch:
        t = " ".join(rng.choice(words, TOKENS))
        n = len(tok(t, truncation=True, max_length=TOKENS)["input_ids"])
        if n >= TOKENS:
            texts.append(t)
    enc = TextEncoder(
        backbone, TOKENS, batch, str(device), model=model, tokenizer=tok, chunking="none"
    )
    meta = dict(
        method="head",
        backbone=backbone,
        max_length=TOKENS,
        chunking="none",
        context_turns=0,
        text_features=True,
        embedding_features=True,
        relevance_features=False,
        head="mlp",
        hidden_size=64,
    )
    dim = 3 * model.config.hidden_size + 14
    prompts = ["x"] * len(texts)
    # the shipped default mixes in the wide word model: its hashing and sparse product are timed too
    wide = WideText().fit(prompts, texts, np.arange(len(texts)) % 2)
    meta["wide"] = dict(wide.meta(), weight=0.65)
    scorer = PLoveScorer(
        meta,
        Calibrator(),
        encoder=enc,
        head=Head(dim, "mlp", 64, 0.0).eval(),
        wide=wide,
        device=str(device),
    )

    def score():
        enc.cache.index.clear()  # no cache hits: every call embeds everything
        scorer.score(None, prompts, texts)

    sec = _best(score, max(1, repeats // 2))
    n_fwd = 2 * len(texts)  # responses and queries are both embedded (queries are short)
    rows.append(_row("PLoveScorer.score end to end", batch, len(texts), sec, flops, peak))
    rows.append(
        _shipped_row([_sentences(t) for t in texts], peak, device, backbone, batch, repeats)
    )
    return {
        "rows": rows,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "threads": torch.get_num_threads(),
        "forward_passes_end_to_end": n_fwd,
        "goal_fraction_of_peak": 0.40,
        "goal_met": rows[0]["fraction_of_peak"] >= 0.40,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_scoring", description=__doc__.splitlines()[0]
    )
    p.add_argument("--quick", action="store_true")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--device", default="cpu", help="cpu (the goal's machine) or cuda")
    p.add_argument(
        "--backbone", default="minilm", help="'minilm' (the packaged encoder) or a path to it"
    )
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from benchmarks.run import machine, print_table, write_result

    t0, at = time.perf_counter(), machine()
    out = run(args)
    name = (
        RESULT_FILE
        if args.device == "cpu"
        else RESULT_FILE.replace(".json", f"_{args.device}.json")
    )
    write_result(name, {"benchmark": "bench_scoring", **out}, t0, at, quick=args.quick)
    print_table(out["rows"])
    print(f"load average at start: {at['load_avg_at_start']}; threads: {out['threads']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
