"""Exact chronological likelihood windows: how a whole chorale is scored with the rank contract.

A chorale is cut into chunks of `chunk_frames`; each chunk is scored in one model pass with up to
`context_frames` earlier frames given (rank 0) and the chunk's cells ranked frame by frame, S A T B
within a frame. Every cell is therefore conditioned on all earlier cells of its window: at least
`context_frames` frames of past (or the whole past near the start).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cocomposer.ai.vocabulary import NUM_VOICES

CONTEXT_FRAMES = 64
CHUNK_FRAMES = 64


@dataclass
class ScoringWindow:
    tokens: np.ndarray  # (T, 4) int64
    rank: np.ndarray  # (T, 4) int64: 0 for context, 1.. chronological for scored cells
    beat_phase: int
    scored: np.ndarray  # (T, 4) bool: the cells whose log-probability counts


def chronological_windows(tokens: np.ndarray, context_frames: int = CONTEXT_FRAMES,
                          chunk_frames: int = CHUNK_FRAMES) -> list[ScoringWindow]:
    """Windows that together score every cell of `tokens` (frames, 4) exactly once."""
    windows = []
    length = len(tokens)
    for chunk_start in range(0, length, chunk_frames):
        start = max(0, chunk_start - context_frames)
        end = min(length, chunk_start + chunk_frames)
        rank = np.zeros((end - start, NUM_VOICES), dtype=np.int64)
        offset = chunk_start - start
        scored_cells = (end - chunk_start) * NUM_VOICES
        rank[offset:] = np.arange(1, scored_cells + 1).reshape(-1, NUM_VOICES)
        scored = np.zeros_like(rank, dtype=bool)
        scored[offset:] = True
        windows.append(ScoringWindow(tokens[start:end].astype(np.int64), rank, start % 4, scored))
    return windows


def stack_windows(windows: list[ScoringWindow]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Batch same-length windows: tokens, rank, beat_phase, scored."""
    return (np.stack([w.tokens for w in windows]), np.stack([w.rank for w in windows]),
            np.array([w.beat_phase for w in windows], dtype=np.int64), np.stack([w.scored for w in windows]))


def group_by_length(windows: list[ScoringWindow]) -> list[list[ScoringWindow]]:
    groups: dict[int, list[ScoringWindow]] = {}
    for w in windows:
        groups.setdefault(len(w.tokens), []).append(w)
    return list(groups.values())
