"""End-to-end fine-tuning helpers: tokenised (query, response) pairs for AutoModelForSequenceClassification."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch


def encode_pairs(
    tokenizer, queries: Sequence[str], responses: Sequence[str], max_length: int
) -> dict:
    """Token ids (unpadded lists) of each pair, truncated longest-first to max_length."""
    return tokenizer(
        list(queries), list(responses), truncation="longest_first", max_length=max_length
    )


def collate(tokenizer, enc: dict, idx: np.ndarray | torch.Tensor, device: torch.device) -> dict:
    """The rows `idx` of the encoded pairs, padded into one batch on `device`."""
    feats = [{k: enc[k][i] for k in enc.keys()} for i in idx]
    batch = tokenizer.pad(feats, return_tensors="pt")
    return {k: v.to(device) for k, v in batch.items()}


def classifier_logits(
    model, tokenizer, enc: dict, batch_size: int, device: torch.device
) -> np.ndarray:
    """Logits for every pair, in batches sorted by length, without gradients."""
    n = len(enc["input_ids"])
    order = np.argsort([-len(x) for x in enc["input_ids"]], kind="stable")
    out = np.zeros(n, np.float32)
    model.eval()
    with torch.no_grad():
        for i in range(0, n, batch_size):
            idx = order[i : i + batch_size]
            out[idx] = (
                model(**collate(tokenizer, enc, idx, device)).logits.view(-1).float().cpu().numpy()
            )
    return out
