"""KL of a trained policy to its reference, estimated on sampled replies.

For replies y sampled from the policy, sum_t log pi(y_t) - log pi_ref(y_t) is an unbiased estimate of the
sequence-level KL(pi || pi_ref); its mean over held-out prompts is what the KL budget gate reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from rluf_core.policy.chat_format import format_completion, format_queries


def _sequence_logprobs(
    model: Any, tok: Any, queries: list[str], replies: list[str], batch: int
) -> np.ndarray:
    import torch

    out = []
    for s in range(0, len(queries), batch):
        q = tok(queries[s : s + batch], add_special_tokens=False)["input_ids"]
        r = tok([format_completion(x) for x in replies[s : s + batch]], add_special_tokens=False)[
            "input_ids"
        ]
        seqs = [a + b for a, b in zip(q, r)]
        width = max(map(len, seqs))
        ids = torch.full((len(seqs), width), tok.pad_token_id, dtype=torch.long)
        mask = torch.zeros_like(ids)
        resp = torch.zeros_like(ids, dtype=torch.bool)
        for i, (a, b) in enumerate(zip(q, r)):
            ids[i, : len(a) + len(b)] = torch.tensor(a + b)
            mask[i, : len(a) + len(b)] = 1
            resp[i, len(a) : len(a) + len(b)] = True
        with torch.no_grad():
            logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
        lp = torch.log_softmax(logits, -1).gather(-1, ids[:, 1:, None])[..., 0]
        out.append((lp * resp[:, 1:]).sum(-1).numpy())
    return np.concatenate(out) if out else np.zeros(0)


def sequence_kl(
    policy: Any,
    reference: Any,
    tok: Any,
    prompts: Sequence[str],
    contexts: Sequence[Any] | None,
    replies: Sequence[str],
    batch: int = 64,
) -> float:
    """Mean over replies of log pi(y|x) - log pi_ref(y|x) (nats per reply)."""
    queries = format_queries(list(prompts), contexts)
    lp = _sequence_logprobs(policy, tok, queries, list(replies), batch)
    lr = _sequence_logprobs(reference, tok, queries, list(replies), batch)
    return float(np.mean(lp - lr)) if len(lp) else 0.0
