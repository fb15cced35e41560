"""Frozen-encoder embeddings: batched, length-sorted, no grad, mean-pooled, cached by text hash.

The cache is a folder of chunk files (`chunk-<n>.npz`, each a set of sha1 keys and float32 vectors),
written atomically every few thousand texts, so a killed job keeps what it had already embedded. In memory it
keeps everything by default (training reads its rows many times); a served scorer bounds it (`max_entries`,
least recently used out), so that a long-running process scoring new texts does not grow without end.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from rluf_core.reward.models import backbone as bb

log = logging.getLogger("rluf.reward.embed")


def text_key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)


class EmbeddingCache:
    """Embeddings keyed by sha1(text), persisted as chunk files under `root`; in memory at most
    `max_entries` of them (the least recently used go first; None keeps all). Safe to share between the threads
    of a server that scores requests concurrently."""

    def __init__(self, root: str | os.PathLike | None, max_entries: int | None = None):
        if max_entries is not None and max_entries < 0:
            raise ValueError(f"max_entries must be >= 0 or None, got {max_entries}")
        self.root = Path(root) if root else None
        self.max_entries = max_entries
        self.index: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        if self.root is not None and self.root.exists():
            for f in sorted(self.root.glob("chunk-*.npz")):
                with np.load(f) as z:
                    keys, vecs = z["keys"], z["vecs"]
                self.index.update({bytes(k): v for k, v in zip(keys, vecs)})
            self._evict()

    def get(self, key: bytes) -> np.ndarray | None:
        with self._lock:
            v = self.index.get(key)
            if v is not None and self.max_entries is not None:
                self.index.move_to_end(key)
            return v

    def _evict(self) -> None:
        if self.max_entries is not None:
            while len(self.index) > self.max_entries:
                self.index.popitem(last=False)

    def put(self, keys: list[bytes], vecs: np.ndarray) -> None:
        with self._lock:
            self.index.update(zip(keys, vecs))
            self._evict()
        if self.root is None or not keys:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        name = self.root / f"chunk-{time.time_ns()}-{uuid.uuid4().hex[:6]}.npz"
        tmp = name.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(keys, dtype="S20"), vecs=vecs.astype(np.float32))
        os.replace(tmp, name)


SENTENCE_SPLIT = re.compile(r"(?<=[.!?\u2026])\s+|\n+")


def split_sentences(text: str) -> list[str]:
    parts = [p.strip() for p in SENTENCE_SPLIT.split(text or "")]
    return [p for p in parts if p] or [""]


class TextEncoder:
    """Embeds texts with a frozen backbone: mean pooling over the attention mask, L2-normalised.

    chunking="sentence" encodes each sentence on its own and pools the token states of all sentences
    (the token-weighted mean of per-sentence means), the usual way to embed text longer than a window.
    The cache then holds sentences, so boilerplate repeated across responses (greetings, sign-offs,
    disclaimers, templated answers) is encoded once. chunking="none" encodes the whole text, truncated.
    """

    def __init__(
        self,
        backbone: str,
        max_length: int = 128,
        batch_size: int = 128,
        device: str = "auto",
        cache_dir: str | os.PathLike | None = None,
        trust_remote_code: bool = False,
        model: torch.nn.Module | None = None,
        tokenizer=None,
        seed: int = 0,
        chunking: str = "none",
        cache_entries: int | None = None,
    ):
        if chunking not in ("none", "sentence"):
            raise ValueError(f"chunking must be 'none' or 'sentence', got {chunking!r}")
        self.backbone = backbone
        self.max_length = max_length
        self.batch_size = batch_size
        self.chunking = chunking
        self.device = bb.pick_device(device)
        self.tokenizer = tokenizer or bb.load_tokenizer(backbone, trust_remote_code)
        self.model = (
            (model or bb.load_encoder(backbone, trust_remote_code, seed)).to(self.device).eval()
        )
        self.dim = int(self.model.config.hidden_size)  # type: ignore[union-attr,arg-type]
        root = None
        if cache_dir is not None:
            # keyed by the loaded weights themselves: a retrained or re-seeded encoder at the same path
            # or name never reads another's embeddings
            name = Path(backbone).name if backbone else "encoder"
            root = Path(cache_dir) / f"{name}-{bb.weights_id(self.model)}-L{max_length}-{chunking}"
        self.cache = EmbeddingCache(root, cache_entries)

    @torch.no_grad()
    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        """none: L2-normalised means (n, dim); sentence: raw means and token counts (n, dim + 1)."""
        enc = self.tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
        )
        enc = {k: v.to(self.device) for k, v in enc.items()}
        out = self.model(**enc).last_hidden_state
        pooled = mean_pool(out, enc["attention_mask"])
        if self.chunking == "none":
            return torch.nn.functional.normalize(pooled, dim=-1).float().cpu().numpy()
        counts = enc["attention_mask"].sum(1, keepdim=True).to(pooled.dtype)
        return torch.cat([pooled, counts], dim=1).float().cpu().numpy()

    def _units(self, units: Sequence[str], desc: str, flush_every: int) -> list[np.ndarray]:
        """One vector per unit, from the cache or embedded now (held for this call, whatever the cache evicts)."""
        keys = [text_key(t) for t in units]
        found: dict[bytes, np.ndarray] = {}
        todo: dict[bytes, str] = {}
        for k, t in zip(keys, units):
            if k in found or k in todo:
                continue
            v = self.cache.get(k)
            if v is None:
                todo[k] = t
            else:
                found[k] = v
        if todo:
            found.update(self._encode_missing(todo, desc, flush_every))
        return [found[k] for k in keys]

    def encode(
        self,
        texts: Sequence[str],
        desc: str = "embed",
        flush_every: int = 4096,
        return_sentences: bool = False,
    ):
        """(len(texts), dim) float32. Unique texts (or sentences) are embedded once, longest first, in batches.

        return_sentences=True also returns, per text, its L2-normalised sentence vectors (one row per
        sentence; the whole text when chunking is "none")."""
        if len(texts) == 0:
            empty = np.zeros((0, self.dim), np.float32)
            return (empty, []) if return_sentences else empty
        if self.chunking == "none":
            out = np.stack(self._units(texts, desc, flush_every))
            return (out, [v[None, :] for v in out]) if return_sentences else out
        sents = [split_sentences(t) for t in texts]
        uniq = list(dict.fromkeys(s for ss in sents for s in ss))
        vec_of = dict(zip(uniq, self._units(uniq, desc + " (sentences)", flush_every)))
        out = np.empty((len(texts), self.dim), np.float32)
        per_text = []
        for i, ss in enumerate(sents):
            v = np.stack([vec_of[s] for s in ss])
            m = (v[:, :-1] * v[:, -1:]).sum(0) / max(v[:, -1].sum(), 1.0)
            out[i] = m / max(np.linalg.norm(m), 1e-12)
            if return_sentences:
                per_text.append(
                    v[:, :-1] / np.maximum(np.linalg.norm(v[:, :-1], axis=1, keepdims=True), 1e-12)
                )
        return (out, per_text) if return_sentences else out

    def _encode_missing(
        self, todo: dict[bytes, str], desc: str, flush_every: int
    ) -> dict[bytes, np.ndarray]:
        items = sorted(todo.items(), key=lambda kv: len(kv[1]), reverse=True)
        n, t0, last = len(items), time.perf_counter(), 0.0
        buf_k: list[bytes] = []
        buf_v: list[np.ndarray] = []
        done = 0
        embedded: dict[bytes, np.ndarray] = {}
        for i in range(0, n, self.batch_size):
            chunk = items[i : i + self.batch_size]
            buf_k += [k for k, _ in chunk]
            buf_v.append(self._embed_batch([t for _, t in chunk]))
            done += len(chunk)
            if sum(len(v) for v in buf_v) >= flush_every or done == n:
                vecs = np.concatenate(buf_v)
                embedded.update(zip(buf_k, vecs))
                self.cache.put(buf_k, vecs)
                buf_k, buf_v = [], []
            el = time.perf_counter() - t0
            if el - last >= 15 or done == n:
                last = el
                rate = done / max(el, 1e-9)
                log.info(
                    "%s: %d/%d texts, %.0f texts/s, ETA %.0fs",
                    desc,
                    done,
                    n,
                    rate,
                    (n - done) / max(rate, 1e-9),
                )
        return embedded
