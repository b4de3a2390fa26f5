"""Mask-predict decoding: fill the free cells of a grid in a few parallel passes of the model.

Each pass samples every free cell (at the chosen temperature, inside the allowed pitches), keeps the
most confident share as given for the next pass, and leaves the rest masked; a cosine schedule
commits few cells early and all of them by the last pass. Variants are decoded together as a batch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from cocomposer.ai.model_session import HIDDEN_RANK, ModelSession
from cocomposer.ai.vocabulary import GIVEN_RANK, MASK

FREE_RANK = 1


class Cancelled(Exception):
    """The caller asked to stop decoding."""


@dataclass
class DecodeResult:
    tokens: np.ndarray  # (variants, T, 4)
    confidence: np.ndarray  # (variants, T, 4) probability of the chosen token when it was committed


def default_passes(free_cells: int) -> int:
    """Enough passes that each commits about 64 cells, within 4..12."""
    return int(min(12, max(4, math.ceil(free_cells / 64))))


def mask_predict(
    model: ModelSession,
    tokens: np.ndarray,
    rank: np.ndarray,
    allowed: np.ndarray,
    beat_phase: int,
    variants: int = 1,
    temperature: float = 1.0,
    seed: int | None = None,
    passes: int | None = None,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[float], None] | None = None,
) -> DecodeResult:
    """Fill the cells with rank FREE_RANK.

    tokens (T, 4) or (variants, T, 4): given values (anything where free or hidden); rank, same shape:
    GIVEN_RANK, FREE_RANK or HIDDEN_RANK; allowed (4, C) or (T, 4, C) bool: classes each cell may take.
    """
    rng = np.random.default_rng(seed)
    if tokens.ndim == 2:
        tokens, rank = tokens[None], rank[None]
    batch_tokens = np.broadcast_to(tokens, (variants,) + tokens.shape[1:]).astype(np.int64)
    batch_rank = np.broadcast_to(rank, (variants,) + rank.shape[1:]).astype(np.int64)
    free = batch_rank == FREE_RANK
    batch_tokens[free] = MASK
    confidence = np.ones(batch_tokens.shape, dtype=np.float32)
    total_free = int(free[0].sum())
    passes = passes or default_passes(total_free)
    phase = np.full(variants, beat_phase, dtype=np.int64)
    forbidden = np.broadcast_to(~allowed, batch_tokens.shape + (allowed.shape[-1],)) if allowed.ndim == 3 \
        else np.broadcast_to(~allowed[None, None], batch_tokens.shape + (allowed.shape[-1],))
    for step in range(passes):
        if cancelled and cancelled():
            raise Cancelled()
        still_free = batch_rank == FREE_RANK
        if not still_free.any():
            break
        log_probs = model.grid_log_probs(batch_tokens, batch_rank, phase)
        log_probs = np.where(forbidden, -np.inf, log_probs)
        log_probs -= np.logaddexp.reduce(log_probs, axis=-1, keepdims=True)
        if temperature > 0:
            gumbel = -np.log(-np.log(rng.random(log_probs.shape) + 1e-12) + 1e-12)
            choice = np.argmax(log_probs / temperature + gumbel, axis=-1)
        else:
            choice = np.argmax(log_probs, axis=-1)
        chosen_log_prob = np.take_along_axis(log_probs, choice[..., None], axis=-1)[..., 0]
        # Noisy confidence, as in MaskGIT: early passes keep some surprising choices for variety.
        noise = temperature * (1 - (step + 1) / passes) * rng.gumbel(size=chosen_log_prob.shape)
        score = np.where(still_free, chosen_log_prob + noise, -np.inf)
        target = total_free if step == passes - 1 else math.ceil(total_free * (1 - math.cos(math.pi / 2 * (step + 1) / passes)))
        for b in range(variants):
            to_commit = target - (total_free - int(still_free[b].sum()))
            if to_commit <= 0:
                continue
            flat_score = score[b].ravel()
            picked = np.argpartition(-flat_score, to_commit - 1)[:to_commit]
            picked = picked[np.isfinite(flat_score[picked])]
            cells = np.unravel_index(picked, score[b].shape)
            batch_tokens[b][cells] = choice[b][cells]
            confidence[b][cells] = np.exp(chosen_log_prob[b][cells])
            batch_rank[b][cells] = GIVEN_RANK
        if progress:
            progress((step + 1) / passes)
    return DecodeResult(batch_tokens, confidence)
