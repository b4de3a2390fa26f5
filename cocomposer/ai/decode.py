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
from cocomposer.ai.vocabulary import GIVEN_RANK, MASK, REST

FREE_RANK = 1


class Cancelled(Exception):
    """The caller asked to stop decoding."""


@dataclass
class DecodeResult:
    tokens: np.ndarray  # (variants, T, 4)
    confidence: np.ndarray  # (variants, T, 4) probability of the chosen token when it was committed


def default_passes(free_cells: int) -> int:
    """Enough passes that each commits about 80 cells, within 4..12 (8 bars of harmony: 5 passes, then
    the lone-16th pass; 6 passes wrote no better harmony, 0.345 against 0.344 of Bach's exact pitches)."""
    return int(min(12, max(4, math.ceil(free_cells / 80))))


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
    voice_rules: bool = True,
) -> DecodeResult:
    """Fill the cells with rank FREE_RANK.

    tokens (T, 4) or (variants, T, 4): given values (anything where free or hidden); rank, same shape:
    GIVEN_RANK, FREE_RANK or HIDDEN_RANK; allowed (4, C) or (T, 4, C) bool: classes each cell may take.
    With voice_rules, a committed cell takes the model's best sampled pitch that neither makes parallel
    fifths or octaves nor crosses a neighbouring voice, given the cells already known around it.
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
        log_probs = allowed_log_probs(model, batch_tokens, batch_rank, phase, forbidden)
        if temperature > 0:
            gumbel = -np.log(-np.log(rng.random(log_probs.shape) + 1e-12) + 1e-12)
            sampled_scores = log_probs / temperature + gumbel
        else:
            sampled_scores = log_probs
        choice = np.argmax(sampled_scores, axis=-1)
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
            if voice_rules:
                picked = picked[np.argsort(-flat_score[picked])]  # the surest cells choose first
                for frame, voice in zip(*np.unravel_index(picked, score[b].shape)):
                    choice[b, frame, voice] = voice_led_choice(batch_tokens[b], frame, voice,
                                                               sampled_scores[b, frame, voice])
                    batch_tokens[b, frame, voice] = choice[b, frame, voice]
            cells = np.unravel_index(picked, score[b].shape)
            chosen_log_prob[b][cells] = log_probs[b][cells + (choice[b][cells],)]
            batch_tokens[b][cells] = choice[b][cells]
            confidence[b][cells] = np.exp(chosen_log_prob[b][cells])
            batch_rank[b][cells] = GIVEN_RANK
        if progress:
            progress((step + 1) / passes)
    _rewrite_lone_sixteenths(model, batch_tokens, batch_rank, free, forbidden, phase, confidence, voice_rules)
    return DecodeResult(batch_tokens, confidence)


def allowed_log_probs(model: ModelSession, tokens, rank, phase, forbidden) -> np.ndarray:
    """The model's log-probabilities renormalised over the classes each cell may take."""
    log_probs = np.where(forbidden, -np.inf, model.grid_log_probs(tokens, rank, phase))
    return log_probs - np.logaddexp.reduce(log_probs, axis=-1, keepdims=True)


def lone_sixteenths(tokens: np.ndarray) -> np.ndarray:
    """Cells (..., T, 4) holding a pitch that differs from the same voice's cells on both sides: notes one
    16th long, which Bach writes in about 3% of his inner and bass notes."""
    lone = np.zeros(tokens.shape, dtype=bool)
    middle = tokens[..., 1:-1, :]
    lone[..., 1:-1, :] = (middle != tokens[..., :-2, :]) & (middle != tokens[..., 2:, :]) & (middle > REST) & (middle < MASK)
    return lone


def _rewrite_lone_sixteenths(model, tokens, rank, written, forbidden, phase, confidence, voice_rules) -> None:
    """One more pass over the written notes only a 16th long, each asked again with everything around
    it known, taking the model's most likely value. Cells sampled in the same pass disagree with their
    neighbours now and then; the result is a flicker of 16ths (a quarter to a third of the notes; Bach's
    3%) that this pass turns back into held notes wherever the model, seeing both sides, prefers that."""
    lone = lone_sixteenths(tokens) & written
    for b in np.flatnonzero(lone.any(axis=(1, 2))):  # one variant at a time: rows may differ in count
        asked_tokens, asked_rank = tokens[b:b + 1].copy(), rank[b:b + 1].copy()
        asked_tokens[0][lone[b]], asked_rank[0][lone[b]] = MASK, FREE_RANK
        log_probs = allowed_log_probs(model, asked_tokens, asked_rank, phase[b:b + 1], forbidden[b:b + 1])[0]
        for frame, voice in zip(*np.nonzero(lone[b])):
            scores = log_probs[frame, voice]
            token = voice_led_choice(tokens[b], frame, voice, scores) if voice_rules else int(np.argmax(scores))
            tokens[b, frame, voice] = token
            confidence[b, frame, voice] = np.exp(scores[token])


def _is_pitch(token: int) -> bool:
    return REST < token < MASK


def makes_parallel(grid: np.ndarray, frame: int, voice: int, token: int) -> bool:
    """Would `token` at (frame, voice) of the (T, 4) token grid move in parallel fifths or octaves
    (unisons included) with another voice, into or out of a neighbouring frame whose cells are known?

    The same rule as the evaluation's count: both voices move, in the same direction, and the interval
    (upper voice minus lower, modulo the octave) is a unison/octave or a fifth before and after.
    """
    for neighbour in (frame - 1, frame + 1):
        if not 0 <= neighbour < len(grid):
            continue
        before = int(grid[neighbour, voice])
        if not _is_pitch(before) or before == token:
            continue
        for other in range(grid.shape[1]):
            here, there = int(grid[frame, other]), int(grid[neighbour, other])
            if other == voice or not (_is_pitch(here) and _is_pitch(there)) or here == there:
                continue
            if (token - before) * (here - there) <= 0:
                continue
            interval_here = (token - here if voice < other else here - token) % 12
            interval_there = (before - there if voice < other else there - before) % 12
            if interval_here in (0, 7) and interval_here == interval_there:
                return True
    return False


def crosses_a_voice(grid: np.ndarray, frame: int, voice: int, token: int) -> bool:
    """Would `token` sound above a known higher voice or below a known lower voice in its frame?"""
    row = [int(t) for t in grid[frame]]
    return any(_is_pitch(t) and t < token for t in row[:voice]) or \
        any(_is_pitch(t) and t > token for t in row[voice + 1:])


def voice_led_choice(grid: np.ndarray, frame: int, voice: int, scores: np.ndarray) -> int:
    """The best-scoring allowed token for the cell that keeps the voice rules; where none keeps both,
    the best that crosses no voice, else the best of all."""
    best = int(np.argmax(scores))
    if not _is_pitch(best) or not (crosses_a_voice(grid, frame, voice, best) or makes_parallel(grid, frame, voice, best)):
        return best  # the usual case: the model's own choice already keeps the rules
    uncrossed = None
    for token in map(int, np.argsort(-scores)):
        if not np.isfinite(scores[token]):
            break
        if _is_pitch(token) and crosses_a_voice(grid, frame, voice, token):
            continue
        if not _is_pitch(token) or not makes_parallel(grid, frame, voice, token):
            return token
        uncrossed = token if uncrossed is None else uncrossed
    return best if uncrossed is None else uncrossed
