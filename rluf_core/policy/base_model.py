"""The causal LM a policy starts from: a tiny GPT-2 built from config, or a path / hub id.

'tiny' (demo and tests) builds a GPT-2-style model with a tokenizer trained on the turns it will learn
from, so nothing is downloaded. Any other value is loaded with AutoModelForCausalLM (safetensors only,
`trust_remote_code` off unless the config turns it on), optionally wrapped with LoRA through PEFT.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    GPT2Config,
    GPT2LMHeadModel,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from rluf_core.config.policy import LoraSettings, PolicyConfig
from rluf_core.policy.chat_format import END, PAD, SPECIAL_TOKENS
from rluf_core.policy.tokenizer import train_tokenizer


class BaseModelError(ValueError):
    """The configured base model cannot be loaded (said in one line, before any training)."""


def build_tiny(
    texts: Sequence[str], cfg: PolicyConfig, seed: int = 0
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """A freshly initialised tiny GPT-2 and a BPE tokenizer fitted to `texts`."""
    import torch

    torch.manual_seed(seed)
    tok = train_tokenizer(texts, cfg.tiny.vocab_size)
    t = cfg.tiny
    mc = GPT2Config(
        vocab_size=len(tok),
        n_positions=t.max_positions,
        n_embd=t.n_embd,
        n_layer=t.n_layer,
        n_head=t.n_head,
        bos_token_id=tok.eos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    return GPT2LMHeadModel(mc), tok


def load_pretrained(
    name: str, cfg: PolicyConfig
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """A causal LM and its tokenizer from a local path or hub id, with the chat markers added."""
    local = Path(name)
    if name.startswith((".", "/")) and not local.is_dir():
        raise BaseModelError(f"policy.base_model {name!r}: no such folder")
    try:
        tok = AutoTokenizer.from_pretrained(
            cfg.tokenizer or name, trust_remote_code=cfg.trust_remote_code
        )
        model = AutoModelForCausalLM.from_pretrained(
            name, trust_remote_code=cfg.trust_remote_code, use_safetensors=True
        )
    except (OSError, ValueError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise BaseModelError(f"policy.base_model {name!r} cannot be loaded: {first}") from None
    added = tok.add_special_tokens(
        {"additional_special_tokens": [t for t in SPECIAL_TOKENS if t != PAD]}
    )
    if tok.pad_token is None:
        tok.add_special_tokens({"pad_token": PAD})
    tok.eos_token = END
    tok.padding_side = "left"
    rows = model.get_input_embeddings().weight.shape[0]  # type: ignore[index]
    if added or len(tok) > rows:
        model.resize_token_embeddings(len(tok))
    model.config.pad_token_id, model.config.eos_token_id = tok.pad_token_id, tok.eos_token_id
    return model, tok


def with_lora(model: PreTrainedModel, lora: LoraSettings) -> Any:
    """The model wrapped with LoRA adapters (PEFT) when policy.lora.enabled, else unchanged."""
    if not lora.enabled:
        return model
    from peft import LoraConfig, get_peft_model

    pc = LoraConfig(
        r=lora.r,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules=lora.target_modules,
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, pc)


def use_cpu(device: str) -> bool:
    """compute.device as the trainers' use_cpu: 'auto' trains on a GPU when there is one."""
    if device == "auto":
        import torch

        return not torch.cuda.is_available()
    return device == "cpu"


def trainer_run_args(seed: int, device: str) -> dict[str, Any]:
    """The TrainingArguments every policy trainer (SFT, GRPO / RLOO, KTO) runs with: seeded data and
    model, on compute.device, nothing reported or drawn, no dataloader workers, no activation
    checkpointing."""
    return dict(
        report_to=[],
        use_cpu=use_cpu(device),
        seed=seed,
        data_seed=seed,
        activation_checkpointing=False,
        disable_tqdm=True,
        dataloader_num_workers=0,
    )
