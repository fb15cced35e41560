"""PLoveScorer: the served P[Love], one object used by the policy step and by evaluation.

A saved scorer is a folder:
    scorer.json          what it is (method, backbone, max_length, calibration, prior shift, features)
                         and every other file's size and sha256, checked at load (`integrity`)
    encoder/             the frozen encoder and tokenizer (method 'head'), safetensors
    head.safetensors     the trained head with its feature normalisation (method 'head')
    classifier/          the fine-tuned AutoModelForSequenceClassification and tokenizer ('finetune')
    wide.safetensors     the wide model's coefficients (reward_model.wide; its settings and mixing weight
                         are in scorer.json under "wide")
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from safetensors.torch import load_file, save_file
from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer

from rluf_core.reward.features.embed import TextEncoder
from rluf_core.reward.features.featurize import featurize
from rluf_core.reward.features.text import as_texts, query_texts
from rluf_core.reward.features.writing import WRITING_NAMES
from rluf_core.reward.models import backbone as bb
from rluf_core.reward.models.calibration import Calibrator
from rluf_core.reward.models.finetune import classifier_logits, encode_pairs
from rluf_core.reward.models.head import Head
from rluf_core.reward.models.integrity import file_manifest, verify_manifest
from rluf_core.reward.models.wide import WideText, mix

FORMAT_VERSION = 2  # 2: scorer.json lists every file's size and sha256 (1: no list; still read)
METHODS = ("head", "finetune")
META_KEYS = ("method", "backbone", "max_length", "calibration")
# a loaded scorer keeps at most this many embeddings in memory (least recently used out): a served one scores
# new texts for as long as it runs; at 384 floats each this is about 150 MB
SERVING_CACHE_ENTRIES = 100_000


class PLoveScorer:
    def __init__(
        self,
        meta: dict,
        calibrator: Calibrator,
        *,
        encoder: TextEncoder | None = None,
        head: Head | None = None,
        classifier=None,
        tokenizer=None,
        wide: WideText | None = None,
        device: str = "cpu",
    ):
        self.meta = meta
        self.wide = wide
        self.calibrator = calibrator
        self.encoder = encoder
        self.head = head
        self.classifier = classifier
        self.tokenizer = tokenizer
        self.device = bb.pick_device(device)

    @property
    def method(self) -> str:
        return self.meta["method"]

    # ---- scoring ----------------------------------------------------------------------------
    def logits(
        self, contexts: Sequence | None, prompts: Sequence[str], responses: Sequence[str]
    ) -> np.ndarray:
        """Uncalibrated logits (at the training prior)."""
        prompts, responses = as_texts(prompts), as_texts(responses)
        if contexts is None:
            contexts = [None] * len(prompts)
        if not (len(contexts) == len(prompts) == len(responses)):
            raise ValueError(
                f"contexts, prompts, responses differ in length: "
                f"{len(contexts)}, {len(prompts)}, {len(responses)}"
            )
        if self.method == "head":
            assert self.head is not None and self.encoder is not None
            z = self.head.predict_logits(
                featurize(self.encoder, contexts, prompts, responses, self.meta)
            )
        else:
            queries = query_texts(contexts, prompts, self.meta.get("context_turns", 2))
            enc = encode_pairs(self.tokenizer, queries, responses, self.meta["max_length"])
            z = classifier_logits(
                self.classifier, self.tokenizer, enc, self.meta.get("batch_size", 64), self.device
            )
        if self.wide is None:
            return z
        return mix(
            z, self.wide.logits(prompts, responses), self.meta["wide"]["weight"]
        )  # clip_texts takes None

    def score(
        self, contexts: Sequence | None, prompts: Sequence[str], responses: Sequence[str]
    ) -> np.ndarray:
        """Calibrated P(love | context, prompt, response) at the natural rate, float64 array."""
        if len(responses) == 0 and len(prompts) == 0 and (contexts is None or len(contexts) == 0):
            return np.zeros(0)
        return self.calibrator(self.logits(contexts, prompts, responses))

    __call__ = score

    # ---- persistence ------------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> Path:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        meta = dict(self.meta, format_version=FORMAT_VERSION, calibration=self.calibrator.to_dict())
        if self.method == "head":
            assert self.head is not None and self.encoder is not None
            self.encoder.model.save_pretrained(path / "encoder", safe_serialization=True)  # type: ignore[operator]
            self.encoder.tokenizer.save_pretrained(path / "encoder")
            save_file(
                {k: v.contiguous() for k, v in self.head.state_dict().items()},
                str(path / "head.safetensors"),
            )
        else:
            self.classifier.save_pretrained(path / "classifier", safe_serialization=True)
            self.tokenizer.save_pretrained(path / "classifier")
        if self.wide is not None:
            save_file(self.wide.tensors(), str(path / "wide.safetensors"))
        meta["files"] = file_manifest(path, exclude=("scorer.json",))
        (path / "scorer.json").write_text(json.dumps(meta, indent=2, sort_keys=True))
        return path

    @staticmethod
    def read_meta(path: str | os.PathLike) -> dict:
        """A saved scorer's scorer.json (what it is and which features it reads), without loading its weights."""
        meta_file = Path(path) / "scorer.json"
        if not meta_file.exists():
            raise FileNotFoundError(f"{meta_file}: not a saved PLoveScorer (scorer.json missing)")
        try:
            meta = json.loads(meta_file.read_text())
        except (ValueError, UnicodeDecodeError) as e:
            raise ValueError(f"{meta_file}: not valid JSON ({e})") from None
        missing = (
            [k for k in META_KEYS if k not in meta] if isinstance(meta, dict) else list(META_KEYS)
        )
        if missing:
            raise ValueError(
                f"{meta_file}: lacks {missing}: not a complete PLoveScorer description"
            )
        version = meta.get("format_version")
        if version not in range(1, FORMAT_VERSION + 1):
            raise ValueError(
                f"{meta_file}: format_version {version!r}; this release reads 1..{FORMAT_VERSION}"
            )
        if meta["method"] not in METHODS:
            raise ValueError(f"{meta_file}: method {meta['method']!r} is not one of {METHODS}")
        return meta

    @classmethod
    def load(
        cls,
        path: str | os.PathLike,
        device: str = "cpu",
        batch_size: int | None = None,
        cache_dir: str | os.PathLike | None = None,
        cache_entries: int | None = SERVING_CACHE_ENTRIES,
    ) -> PLoveScorer:
        """A saved scorer. `cache_entries` bounds the embeddings it keeps in memory (None: all)."""
        path = Path(path)
        meta = cls.read_meta(path)
        verify_manifest(path, meta.get("files", {}))
        if meta.get("writing_features") and meta.get("writing_names") != list(WRITING_NAMES):
            saved = meta.get("writing_names") or [
                "misspelled_share",
                "prompt_overlap",
                "mean_word_length",
            ]
            raise ValueError(
                f"{path / 'scorer.json'}: trained on the writing features {saved}, this release computes "
                f"{list(WRITING_NAMES)}; retrain the scorer"
            )
        if batch_size:
            meta["batch_size"] = batch_size
        cal = Calibrator.from_dict(meta["calibration"])
        trc = bool(meta.get("trust_remote_code", False))
        wide = (
            WideText.restore(meta["wide"], load_file(str(path / "wide.safetensors")))
            if meta.get("wide")
            else None
        )
        if meta["method"] == "head":
            model = AutoModel.from_pretrained(path / "encoder", trust_remote_code=trc)
            tok = AutoTokenizer.from_pretrained(path / "encoder", trust_remote_code=trc)
            enc = TextEncoder(
                meta["backbone"],
                meta["max_length"],
                meta.get("embed_batch_size", 128),
                device,
                cache_dir=cache_dir,
                model=model,
                tokenizer=tok,
                chunking=meta.get("chunking", "none"),
                cache_entries=cache_entries,
            )
            head = Head(
                meta["head_in_dim"],
                meta["head"],
                meta["hidden_size"],
                meta.get("dropout", 0.0),
                members=meta.get("ensemble", 1),
            )
            head.load_state_dict(load_file(str(path / "head.safetensors")))
            return cls(meta, cal, encoder=enc, head=head.eval(), wide=wide, device=device)
        clf = AutoModelForSequenceClassification.from_pretrained(
            path / "classifier", trust_remote_code=trc
        )
        tok = AutoTokenizer.from_pretrained(path / "classifier", trust_remote_code=trc)
        return cls(
            meta,
            cal,
            classifier=clf.to(bb.pick_device(device)).eval(),
            tokenizer=tok,
            wide=wide,
            device=device,
        )
