"""The training loop shared by the head and fine-tuning: weighted BCE, deterministic batch order,
checkpoints every N steps, resume after a kill from the last checkpoint (same fingerprint only)."""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

log = logging.getLogger("rluf.reward.train")

CKPT = "checkpoint.pt"


def _save(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


@contextmanager
def _torch_threads(threads: int | None) -> Iterator[None]:
    """torch's thread count set to `threads` (None or 0: left as it is) and restored afterwards."""
    before = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _resume(
    ckpt: Path | None,
    model: torch.nn.Module,
    opt: torch.optim.Optimizer,
    fingerprint: str,
    desc: str,
    total: int,
) -> tuple[int, list[float]]:
    """(first step, losses so far): from the checkpoint when it was made for the same inputs."""
    if ckpt is None or not ckpt.exists():
        return 0, []
    state = torch.load(ckpt, map_location="cpu", weights_only=False)
    if state.get("fingerprint") != fingerprint:
        log.info("%s: ignoring checkpoint %s made for other inputs", desc, ckpt)
        return 0, []
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["optimizer"])
    start, losses = int(state["step"]), list(state.get("losses", []))
    log.info("%s: resumed from %s at step %d/%d", desc, ckpt, start, total)
    return start, losses


def _member_loss(
    forward: Callable[[torch.Tensor], torch.Tensor],
    idx: torch.Tensor,
    y_all: torch.Tensor,
    w_all: torch.Tensor,
) -> torch.Tensor:
    """Weighted BCE of one batch, one loss per ensemble member."""
    logits = forward(idx).float().view(len(idx), -1)  # (batch, members)
    # labels and weights live on the CPU; logits may be on a GPU
    w = w_all[idx][:, None].to(logits.device)
    bce = torch.nn.functional.binary_cross_entropy_with_logits(
        logits, y_all[idx][:, None].to(logits.device).expand_as(logits), reduction="none"
    )
    return (bce * w).sum(0) / w.sum()


def train_loop(
    model: torch.nn.Module,
    forward: Callable[[torch.Tensor], torch.Tensor],
    labels: np.ndarray,
    weights: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    lr: float,
    weight_decay: float = 0.0,
    seed: int = 0,
    ckpt_dir: str | os.PathLike | None = None,
    checkpoint_every: int = 200,
    fingerprint: str = "",
    desc: str = "train",
    stop_after_steps: int | None = None,
    threads: int | None = None,
) -> dict:
    """Train `model` so that forward(batch_indices) gives logits for those rows, (batch,) or (batch, members)
    for an ensemble whose members each get their own loss. Returns a summary.

    `stop_after_steps` ends the run early after a checkpoint (used by tests to simulate a kill).
    `threads`: torch threads while training (1 for small heads: on a busy CPU, more threads for small
    matrices mostly wait on each other, measured 14x slower with 2 threads than with 1).
    """
    with _torch_threads(threads):
        n = len(labels)
        y_all = torch.as_tensor(np.asarray(labels, np.float32))
        w_all = torch.as_tensor(np.asarray(weights, np.float32))
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
        spe = math.ceil(n / batch_size)
        total = epochs * spe
        ckpt = Path(ckpt_dir) / CKPT if ckpt_dir else None
        start, losses = _resume(ckpt, model, opt, fingerprint, desc, total)
        model.train()
        t0, last_log = time.perf_counter(), 0.0
        perm, perm_epoch = torch.empty(0, dtype=torch.int64), -1
        for step in range(start, total):
            epoch, b = divmod(step, spe)
            if epoch != perm_epoch:
                perm = torch.as_tensor(np.random.default_rng(seed + 1000 * epoch).permutation(n))
                perm_epoch = epoch
            idx = perm[b * batch_size : (b + 1) * batch_size]
            torch.manual_seed(seed * 7919 + step)  # dropout identical whether resumed or not
            member_loss = _member_loss(forward, idx, y_all, w_all)
            opt.zero_grad(set_to_none=True)
            member_loss.sum().backward()
            opt.step()
            losses.append(member_loss.mean().item())
            done = step + 1
            if ckpt is not None and (done % checkpoint_every == 0 or done == total):
                state = dict(model=model.state_dict(), optimizer=opt.state_dict(), step=done)
                _save(ckpt, dict(state, fingerprint=fingerprint, losses=losses))
            el = time.perf_counter() - t0
            if el - last_log >= 15 or done == total:
                last_log = el
                rate = (done - start) / max(el, 1e-9)
                log.info(
                    "%s: step %d/%d (epoch %d/%d) loss %.4f, %.1f steps/s, ETA %.0fs",
                    desc,
                    done,
                    total,
                    epoch + 1,
                    epochs,
                    float(np.mean(losses[-50:])),
                    rate,
                    (total - done) / max(rate, 1e-9),
                )
            if stop_after_steps is not None and done >= stop_after_steps:
                model.eval()
                return dict(
                    steps=done, total_steps=total, resumed_from=start, finished=False, losses=losses
                )
        model.eval()
        return dict(
            steps=total,
            total_steps=total,
            resumed_from=start,
            finished=True,
            final_loss=float(np.mean(losses[-50:])) if losses else float("nan"),
            losses=losses,
        )
