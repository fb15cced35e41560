"""The trained head over frozen-encoder features (rluf_core.reward.features), standardised with training
statistics kept inside the module (so they are saved with its weights): logistic or a one-layer MLP."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


class Head(nn.Module):
    def __init__(self, in_dim: int, kind: str = "mlp", hidden: int = 256, dropout: float = 0.1):
        super().__init__()
        self.register_buffer("mean", torch.zeros(in_dim))
        self.register_buffer("std", torch.ones(in_dim))
        if kind == "logistic":
            self.net = nn.Sequential(nn.Linear(in_dim, 1))
        elif kind == "mlp":
            self.net = nn.Sequential(nn.Linear(in_dim, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, 1))
        else:
            raise ValueError(f"reward_model.head: unknown head {kind!r}")

    def set_normalisation(self, x: np.ndarray, weights: np.ndarray | None = None) -> None:
        w = np.ones(len(x)) if weights is None else np.asarray(weights, np.float64)
        mean = (x * w[:, None]).sum(0) / w.sum()
        std = np.sqrt(((x - mean) ** 2 * w[:, None]).sum(0) / w.sum())
        self.mean.copy_(torch.as_tensor(mean, dtype=torch.float32))
        self.std.copy_(torch.as_tensor(np.where(std < 1e-6, 1.0, std), dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net((x - self.mean) / self.std).squeeze(-1)

    @torch.no_grad()
    def predict_logits(self, x: np.ndarray, batch_size: int = 8192) -> np.ndarray:
        self.eval()
        out = [self(torch.as_tensor(x[i:i + batch_size])).numpy() for i in range(0, len(x), batch_size)]
        return np.concatenate(out) if out else np.zeros(0, np.float32)
