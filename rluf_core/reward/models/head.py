"""The trained head over frozen-encoder features (rluf_core.reward.features.featurize), standardised with training
statistics kept inside the module (so they are saved with its weights): logistic or a one-layer MLP.

`members` > 1 makes a seed ensemble: that many nets with their own initialisation and dropout, each
trained on its own loss (`member_logits`, (batch, members)); the head's logit is their mean, which is
what calibration and serving see. Averaging cuts the epoch-to-epoch variance of a head trained on a
few thousand positives (measured on the default scenario: see the reward_model config defaults).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


def _net(in_dim: int, kind: str, hidden: int, dropout: float) -> nn.Module:
    if kind == "logistic":
        return nn.Sequential(nn.Linear(in_dim, 1))
    if kind == "mlp":
        return nn.Sequential(
            nn.Linear(in_dim, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, 1)
        )
    raise ValueError(f"reward_model.head: unknown head {kind!r}")


class Head(nn.Module):
    def __init__(
        self,
        in_dim: int,
        kind: str = "mlp",
        hidden: int = 256,
        dropout: float = 0.1,
        members: int = 1,
    ):
        super().__init__()
        if members < 1:
            raise ValueError(f"reward_model.ensemble: need at least 1 member, got {members}")
        self.mean: torch.Tensor
        self.std: torch.Tensor
        self.register_buffer("mean", torch.zeros(in_dim))
        self.register_buffer("std", torch.ones(in_dim))
        self.members = members
        if members == 1:  # the single-net layout of scorers saved before ensembles
            self.net = _net(in_dim, kind, hidden, dropout)
        else:
            self.nets = nn.ModuleList(_net(in_dim, kind, hidden, dropout) for _ in range(members))

    def set_normalisation(self, x: np.ndarray, weights: np.ndarray | None = None) -> None:
        w = np.ones(len(x)) if weights is None else np.asarray(weights, np.float64)
        mean = (x * w[:, None]).sum(0) / w.sum()
        std = np.sqrt(((x - mean) ** 2 * w[:, None]).sum(0) / w.sum())
        self.mean.copy_(torch.as_tensor(mean, dtype=torch.float32))
        self.std.copy_(torch.as_tensor(np.where(std < 1e-6, 1.0, std), dtype=torch.float32))

    def member_logits(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, members) logits, each member's own (what training fits, one loss per member)."""
        z = (x - self.mean) / self.std
        if self.members == 1:
            return self.net(z)
        return torch.cat([net(z) for net in self.nets], dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.member_logits(x).mean(dim=1)

    @torch.no_grad()
    def predict_logits(self, x: np.ndarray, batch_size: int = 8192) -> np.ndarray:
        self.eval()
        out = [
            self(torch.as_tensor(x[i : i + batch_size])).numpy()
            for i in range(0, len(x), batch_size)
        ]
        return np.concatenate(out) if out else np.zeros(0, np.float32)
