"""Saved policies: a folder with the model (safetensors), its tokenizer and policy.json.

Writes are atomic: a checkpoint is written to a sibling temporary folder and renamed into place, so a
killed run never leaves a half-written policy that a later run loads. `HFPolicy` is the Policy that
evaluation, the A/B test and promotion use.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rluf_core.policy.chat_format import END, clean_completion, format_queries

META = "policy.json"


def save_policy(model: Any, tokenizer: Any, path: str | os.PathLike, meta: dict[str, Any]) -> Path:
    """Save model + tokenizer + meta to `path` atomically (replacing an older policy there)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    model = model.merge_and_unload() if hasattr(model, "merge_and_unload") else model
    model.save_pretrained(tmp, safe_serialization=True)
    tokenizer.save_pretrained(tmp)
    (tmp / META).write_text(json.dumps(meta, indent=2, sort_keys=True, default=str))
    old = path.with_name(f".{path.name}.old-{uuid.uuid4().hex[:8]}")
    if path.exists():
        path.rename(old)
    tmp.rename(path)
    shutil.rmtree(old, ignore_errors=True)
    return path


def read_meta(path: str | os.PathLike) -> dict[str, Any]:
    meta = Path(path) / META
    if not meta.exists():
        raise FileNotFoundError(f"{meta}: not a saved rluf policy ({META} missing)")
    return json.loads(meta.read_text())


class HFPolicy:
    """A saved causal LM as a Policy: batched sampling, seeded, replies cut at the END marker."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        name: str = "policy",
        *,
        max_new_tokens: int = 96,
        temperature: float = 1.0,
        batch_size: int = 256,
    ):
        self.model, self.tokenizer, self.name = model.eval(), tokenizer, name
        self.max_new_tokens, self.temperature, self.batch_size = (
            max_new_tokens,
            temperature,
            batch_size,
        )

    @classmethod
    def load(cls, path: str | os.PathLike, name: str | None = None, **kwargs: Any) -> HFPolicy:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        meta = read_meta(path)
        trc = bool(meta.get("trust_remote_code", False))
        model = AutoModelForCausalLM.from_pretrained(
            path, use_safetensors=True, trust_remote_code=trc
        )
        tok = AutoTokenizer.from_pretrained(path, trust_remote_code=trc)
        tok.padding_side = "left"
        kwargs.setdefault("max_new_tokens", meta.get("max_completion_tokens", 96))
        return cls(model, tok, name or meta.get("name", Path(path).name), **kwargs)

    def generate(
        self, prompts: Sequence[str], contexts: Sequence[str | None] | None = None, *, seed: int = 0
    ) -> list[str]:
        import torch

        queries = format_queries(list(prompts), contexts)
        order = np.argsort([len(q) for q in queries], kind="stable")  # similar lengths pad less
        out: list[str] = [""] * len(queries)
        gen = torch.Generator().manual_seed(seed)
        for s in range(0, len(order), self.batch_size):
            idx = order[s : s + self.batch_size]
            torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=gen)))
            enc = self.tokenizer([queries[i] for i in idx], return_tensors="pt", padding=True)
            with torch.no_grad():
                ids = self.model.generate(
                    **enc,
                    do_sample=True,
                    temperature=self.temperature,
                    top_k=0,
                    top_p=1.0,
                    max_new_tokens=self.max_new_tokens,
                    eos_token_id=self.tokenizer.convert_tokens_to_ids(END),
                    pad_token_id=self.tokenizer.pad_token_id,
                )
            texts = self.tokenizer.batch_decode(
                ids[:, enc["input_ids"].shape[1] :], skip_special_tokens=False
            )
            for i, t in zip(idx, texts):
                out[i] = clean_completion(t)
        return out
