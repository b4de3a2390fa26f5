"""JSB chorale windows with transposition, introduced rests, and task-shaped given/ordering masks.

Each example is a window of T frames x 4 voices with
- tokens: the true cell values (REST or pitch tokens),
- rank: 0 for cells the model is given, >0 for cells it predicts; a predicted cell sees every cell
  of lower rank (so chronological ranks give the exact autoregressive factorization and equal ranks
  give parallel, mask-predict style conditionals).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cocomposer.ai.vocabulary import MAX_PITCH, MIN_PITCH, NUM_VOICES, REST

TASKS = ("unconditional", "continue", "harmonize", "infill", "random")
TASK_WEIGHTS = np.array([0.15, 0.2, 0.25, 0.2, 0.2])


def load_jsb(path: str | Path) -> dict[str, list[np.ndarray]]:
    """Split name -> list of int arrays (frames, 4) of MIDI pitches, -1 for a rest."""
    raw = json.loads(Path(path).read_text())
    return {split: [np.asarray(c, dtype=np.int64).reshape(-1, NUM_VOICES) for c in chorales]
            for split, chorales in raw.items()}


def pitches_to_tokens(pitches: np.ndarray) -> np.ndarray:
    """MIDI pitches (-1 = rest) -> tokens; pitches must already lie in the model range."""
    tokens = pitches - MIN_PITCH + 1
    tokens[pitches < 0] = REST
    return tokens


@dataclass
class Batch:
    tokens: np.ndarray  # (B, T, 4) int64 true values
    rank: np.ndarray  # (B, T, 4) int64, 0 = given
    beat_phase: np.ndarray  # (B,) int64: 16th position of frame 0 within its beat


class WindowSampler:
    """Draws training batches of random windows with augmentation and task masks."""

    def __init__(self, chorales: list[np.ndarray], seed: int = 0, rest_probability: float = 0.3,
                 chronological_probability: float = 0.4) -> None:
        self.chorales = chorales
        self.lengths = np.array([len(c) for c in chorales])
        self.rng = np.random.default_rng(seed)
        self.rest_probability = rest_probability
        self.chronological_probability = chronological_probability

    def batch(self, batch_size: int, frames: int) -> Batch:
        tokens = np.empty((batch_size, frames, NUM_VOICES), dtype=np.int64)
        rank = np.empty_like(tokens)
        phase = np.zeros(batch_size, dtype=np.int64)
        eligible = np.flatnonzero(self.lengths >= frames)
        for b in range(batch_size):
            chorale = self.chorales[self.rng.choice(eligible)]
            start = self.rng.integers(0, len(chorale) - frames + 1)
            window = self._transpose(chorale[start:start + frames].copy())
            phase[b] = start % 4
            given = self._given_mask(frames)
            rested = self._introduce_rests(window)
            given |= rested  # introduced rests are context only: silence the user asked for
            tokens[b] = pitches_to_tokens(window)
            rank[b] = self._ranks(given)
        return Batch(tokens, rank, phase)

    def _transpose(self, window: np.ndarray) -> np.ndarray:
        sounding = window[window >= 0]
        low = MIN_PITCH - sounding.min()
        high = MAX_PITCH - sounding.max()
        shift = self.rng.integers(max(low, -6), min(high, 6) + 1)
        window[window >= 0] += shift
        return window

    def _introduce_rests(self, window: np.ndarray) -> np.ndarray:
        """Blank random spans (mostly whole frames, sometimes one voice); returns the blanked cells."""
        rested = np.zeros(window.shape, dtype=bool)
        if self.rng.random() >= self.rest_probability:
            return rested
        frames = len(window)
        for _ in range(self.rng.integers(1, 4)):
            length = int(self.rng.integers(2, 17))
            start = int(self.rng.integers(0, max(frames - length, 1)))
            voices = slice(None) if self.rng.random() < 0.6 else int(self.rng.integers(0, NUM_VOICES))
            rested[start:start + length, voices] = True
        window[rested] = -1
        return rested

    def _given_mask(self, frames: int) -> np.ndarray:
        rng = self.rng
        given = np.zeros((frames, NUM_VOICES), dtype=bool)
        task = TASKS[rng.choice(len(TASKS), p=TASK_WEIGHTS)]
        if task == "continue":
            given[: rng.integers(1, frames)] = True
        elif task == "harmonize":
            if rng.random() < 0.5:
                given[:, 0] = True
            else:
                count = rng.integers(1, NUM_VOICES)
                given[:, rng.choice(NUM_VOICES, count, replace=False)] = True
        elif task == "infill":
            given[:] = True
            a, b = sorted(rng.choice(frames + 1, 2, replace=False))
            count = rng.integers(1, NUM_VOICES + 1)
            voices = rng.choice(NUM_VOICES, count, replace=False)
            given[a:b, voices] = False
        elif task == "random":
            given = rng.random((frames, NUM_VOICES)) < rng.random()
        if given.all():  # keep at least one cell to predict
            given[rng.integers(frames), rng.integers(NUM_VOICES)] = False
        return given

    def _ranks(self, given: np.ndarray) -> np.ndarray:
        rank = np.zeros(given.shape, dtype=np.int64)
        free = ~given
        count = int(free.sum())
        if self.rng.random() < self.chronological_probability:
            rank[free] = np.arange(1, count + 1)  # row-major: frame by frame, S A T B within a frame
        else:
            levels = 1 if self.rng.random() < 0.3 else int(np.exp(self.rng.uniform(0, np.log(count + 1))))
            rank[free] = self.rng.integers(1, max(levels, 1) + 1, size=count)
        return rank
