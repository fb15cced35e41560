"""A model-based safety judge: a sequence classifier (path or hub id) whose positive class is unsafe.

Switched on with policy.judges.safety: model and policy.judges.safety_model; same output as the rules
judge (unsafe, categories, n_categories), the category being "model>=<threshold>".
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


class ModelSafetyJudge:
    def __init__(
        self,
        model: str,
        threshold: float = 0.5,
        batch_size: int = 64,
        trust_remote_code: bool = False,
    ):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        try:
            self.tokenizer = AutoTokenizer.from_pretrained(
                model, trust_remote_code=trust_remote_code
            )
            self.model = AutoModelForSequenceClassification.from_pretrained(
                model, trust_remote_code=trust_remote_code
            ).eval()
        except (OSError, ValueError) as err:
            raise ValueError(
                f"policy.judges.safety_model {model!r} cannot be loaded: "
                f"{str(err).splitlines()[0] if str(err) else type(err).__name__}"
            ) from None
        self.threshold, self.batch_size = threshold, batch_size

    def probability(self, texts: Iterable[str]) -> np.ndarray:
        import torch

        texts = [str(t or "") for t in texts]
        out = []
        for s in range(0, len(texts), self.batch_size):
            enc = self.tokenizer(
                texts[s : s + self.batch_size],
                truncation=True,
                max_length=256,
                padding=True,
                return_tensors="pt",
            )
            with torch.no_grad():
                logits = self.model(**enc).logits
            out.append(torch.softmax(logits, -1)[:, -1].numpy())
        return np.concatenate(out) if out else np.zeros(0)

    def judge(self, texts: Iterable[str]) -> pd.DataFrame:
        p = self.probability(texts)
        unsafe = p >= self.threshold
        return pd.DataFrame(
            {
                "unsafe": unsafe,
                "categories": np.where(unsafe, f"model>={self.threshold:g}", ""),
                "n_categories": unsafe.astype(int),
                "p_unsafe": p,
            }
        )

    def is_unsafe(self, texts: Iterable[str]) -> np.ndarray:
        return self.judge(texts)["unsafe"].to_numpy()
