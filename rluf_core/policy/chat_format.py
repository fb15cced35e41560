"""How a (context, prompt) pair becomes the policy's input text, and a reply its target.

The policy sees the conversation's opening user message (what the conversation is about) and the
current user message; the reply follows the assistant marker and ends with END. One format for SFT,
RL, KTO and generation, so that a checkpoint trained by one path is scored the same by the others.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

USER, ASSISTANT, END, PAD = "<|user|>", "<|assistant|>", "<|end|>", "<|pad|>"
SPECIAL_TOKENS = [PAD, USER, ASSISTANT, END]


def opening_message(context: str | None) -> str | None:
    """The first user text of a context JSON list (None when empty, missing or unreadable)."""
    if not context or not isinstance(context, str):
        return None
    try:
        turns = json.loads(context)
    except ValueError:
        return None
    for turn in turns if isinstance(turns, list) else []:
        if isinstance(turn, dict) and turn.get("role") == "user" and turn.get("text"):
            return str(turn["text"])
    return None


def format_query(prompt: str, context: str | None = None) -> str:
    """The policy's input for one turn: [opening user message] current user message, then ASSISTANT."""
    opening = opening_message(context)
    head = f"{USER} {opening} " if opening and opening != prompt else ""
    return f"{head}{USER} {prompt or ''} {ASSISTANT}"


def format_queries(prompts: Sequence[str], contexts: Sequence[str | None] | None) -> list[str]:
    ctx = list(contexts) if contexts is not None else [None] * len(prompts)
    return [format_query(p, c) for p, c in zip(prompts, ctx)]


def format_completion(response: str) -> str:
    return f" {response.strip()}{END}"


def clean_completion(text: str) -> str:
    """A generated completion as a reply: cut at END, markers removed, whitespace trimmed."""
    text = text.split(END, 1)[0]
    for tok in (USER, ASSISTANT, PAD):
        text = text.split(tok, 1)[0]
    return " ".join(text.split())
