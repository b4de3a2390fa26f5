"""Measuring the model on the JSB chorales: exact likelihood, harmonization quality, and latency.

- NLL: chronological factorization (frame by frame, S A T B within a frame), each cell conditioned on
  its whole window (at least 64 frames of past, see ai/likelihood.py); also a random-order figure.
- Harmonization: the app's own harmonize path on each test chorale's soprano, compared with Bach
  (exact-pitch accuracy of A/T/B) and rated per 100 frames for parallel fifths/octaves, voice
  crossings, notes outside the voice ranges and outside the key, beside the same rates for Bach
  and for a most-frequent-pitch-given-soprano baseline.
- Latency: harmonize 8 bars and continue 4 bars, 1 and 4 variants, median of repeated runs.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from cocomposer.ai.composer import DEFAULT_VOICE_RANGES, Composer, GenerationSettings
from cocomposer.ai.grid import SILENT, frame_ticks, pitches_to_notes, read_lane, Lane
from cocomposer.ai.likelihood import chronological_windows, group_by_length, stack_windows
from cocomposer.ai.model_session import ModelSession
from cocomposer.ai.vocabulary import MIN_PITCH, NUM_VOICES, REST
from cocomposer.core import KeySignature, Song, Track, VoiceRole
from cocomposer.core.key_detection import detect_key

RATE_KEYS = ("parallels_per_100", "crossings_per_100", "out_of_range_per_100", "out_of_key_per_100")


def load_split(path: str | Path, split: str, limit: int | None = None) -> list[np.ndarray]:
    raw = json.loads(Path(path).read_text())
    if split not in raw:
        raise ValueError(f"{path}: no split {split!r} (has {', '.join(raw)})")
    chorales = [np.asarray(c, dtype=np.int64).reshape(-1, NUM_VOICES) for c in raw[split]]
    return chorales[:limit] if limit else chorales


def to_tokens(pitches: np.ndarray) -> np.ndarray:
    return np.where(pitches < 0, REST, pitches - MIN_PITCH + 1)


# --- likelihood -----------------------------------------------------------------------------------
def negative_log_likelihood(model: ModelSession, chorales: list[np.ndarray], order: str = "chronological",
                            seed: int = 0, batch_size: int = 8) -> float:
    """Mean NLL in nats per cell token; order 'chronological' (exact) or 'random' (orderless)."""
    rng = np.random.default_rng(seed)
    windows = [w for c in chorales for w in chronological_windows(to_tokens(c))]
    if order == "random":
        for w in windows:
            scored = w.rank > 0
            w.rank[scored] = rng.permutation(int(scored.sum())) + 1
    total, count = 0.0, 0
    for group in group_by_length(windows):
        for i in range(0, len(group), batch_size):
            tokens, rank, phase, scored = stack_windows(group[i:i + batch_size])
            log_probs = model.grid_log_probs(tokens, rank, phase)
            picked = np.take_along_axis(log_probs, tokens[..., None], axis=-1)[..., 0]
            total -= float(picked[scored].sum())
            count += int(scored.sum())
    return total / count


# --- harmonization rules --------------------------------------------------------------------------
def voice_leading_rates(grid: np.ndarray, key: KeySignature | None) -> dict[str, float]:
    """Rates per 100 frames for a (frames, 4) pitch grid (SILENT = -1); rules checked on A/T/B cells
    for range and key, and on every voice pair for parallels and crossings."""
    frames = len(grid)
    parallels = 0
    for t in range(1, frames):
        before, after = grid[t - 1], grid[t]
        for upper in range(NUM_VOICES):
            for lower in range(upper + 1, NUM_VOICES):
                a0, b0, a1, b1 = before[upper], before[lower], after[upper], after[lower]
                if min(a0, b0, a1, b1) < 0 or a0 == a1 or b0 == b1:
                    continue  # parallels need both voices to move
                if (a1 - a0) * (b1 - b0) > 0 and (a0 - b0) % 12 in (0, 7) and (a0 - b0) % 12 == (a1 - b1) % 12:
                    parallels += 1
    sounding = grid >= 0
    crossing_frames = 0
    for t in range(frames):
        row = grid[t]
        crossing_frames += any(row[v] >= 0 and row[v + 1] >= 0 and row[v] < row[v + 1] for v in range(NUM_VOICES - 1))
    out_of_range = sum(int(((grid[:, v] < DEFAULT_VOICE_RANGES[v][0]) | (grid[:, v] > DEFAULT_VOICE_RANGES[v][1]))
                           [sounding[:, v]].sum()) for v in (1, 2, 3))
    scale = key.scale_pitch_classes() if key else frozenset(range(12))
    out_of_key = sum(int(np.isin(grid[:, v][sounding[:, v]] % 12, list(scale), invert=True).sum()) for v in (1, 2, 3))
    per_100 = 100.0 / max(frames, 1)
    return {"parallels_per_100": parallels * per_100, "crossings_per_100": crossing_frames * per_100,
            "out_of_range_per_100": out_of_range * per_100, "out_of_key_per_100": out_of_key * per_100}


def chorale_key(chorale: np.ndarray) -> KeySignature | None:
    """The key of a chorale judged from all four of Bach's voices (the same key for every column)."""
    return detect_key(grid_song(chorale, voices=range(NUM_VOICES)))


def grid_song(chorale: np.ndarray, voices=range(NUM_VOICES)) -> Song:
    """A Song with one track per voice (roles set), notes merged from the 16th grid."""
    song = Song()
    ticks = frame_ticks(song)
    for v in voices:
        role = list(VoiceRole)[v]
        song.tracks.append(Track(role.value.capitalize(), channel=v, voice=role,
                                 notes=pitches_to_notes(chorale[:, v], 0, ticks)))
    return song


def harmonize_chorale(composer: Composer, chorale: np.ndarray, settings: GenerationSettings) -> np.ndarray:
    """The (frames, 4) grid the app writes under Bach's soprano."""
    song = grid_song(chorale, voices=[0])
    suggestion = composer.harmonize(song, 0, settings, start_tick=0, end_tick=len(chorale) * frame_ticks(song))
    ticks = frame_ticks(song)
    grid = np.full(chorale.shape, SILENT, dtype=np.int64)
    grid[:, 0] = chorale[:, 0]
    for voice, notes in suggestion.variants[0].notes.items():
        grid[:, voice] = read_lane(Track(notes=notes), Lane(0), 0, len(chorale), ticks)
    return grid


@dataclass
class SopranoBaseline:
    """Most frequent pitch of each lower voice given the soprano pitch (training split counts)."""

    table: dict[int, dict[int, int]] = field(default_factory=dict)
    fallback: dict[int, int] = field(default_factory=dict)

    @classmethod
    def fit(cls, chorales: list[np.ndarray]) -> "SopranoBaseline":
        counts: dict[int, dict[int, Counter]] = {v: defaultdict(Counter) for v in (1, 2, 3)}
        overall = {v: Counter() for v in (1, 2, 3)}
        for c in chorales:
            for frame in c:
                for v in (1, 2, 3):
                    counts[v][int(frame[0])][int(frame[v])] += 1
                    overall[v][int(frame[v])] += 1
        table = {v: {s: cnt.most_common(1)[0][0] for s, cnt in counts[v].items()} for v in (1, 2, 3)}
        return cls(table, {v: overall[v].most_common(1)[0][0] for v in (1, 2, 3)})

    def harmonize(self, chorale: np.ndarray) -> np.ndarray:
        grid = chorale.copy()
        for v in (1, 2, 3):
            grid[:, v] = [self.table[v].get(int(s), self.fallback[v]) for s in chorale[:, 0]]
        return grid


def accuracy(predicted: np.ndarray, bach: np.ndarray) -> float:
    return float((predicted[:, 1:] == bach[:, 1:]).mean())


def mean_rates(grids: list[tuple[np.ndarray, KeySignature | None]]) -> dict[str, float]:
    frames = sum(len(g) for g, _ in grids)
    totals = defaultdict(float)
    for grid, key in grids:
        for name, rate in voice_leading_rates(grid, key).items():
            totals[name] += rate * len(grid) / 100.0
    return {name: totals[name] * 100.0 / frames for name in RATE_KEYS}


# --- latency --------------------------------------------------------------------------------------
def median_ms(run: Callable[[], object], repeats: int = 20, warmup: int = 2) -> float:
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000.0)


def latency(composer: Composer, chorale: np.ndarray, repeats: int = 20) -> dict[str, float]:
    """Harmonize 8 bars (128 frames) and continue 4 bars after 4 bars of context, 1 and 4 variants."""
    melody = grid_song(chorale[:128], voices=[0])
    full = grid_song(chorale[:64])
    ticks = frame_ticks(melody)
    results = {}
    for variants in (1, 4):
        settings = GenerationSettings(variants=variants, seed=0)
        results[f"harmonize_8_bars_{variants}_variant"] = median_ms(
            lambda: composer.harmonize(melody, 0, settings, start_tick=0, end_tick=128 * ticks), repeats)
        results[f"continue_4_bars_{variants}_variant"] = median_ms(
            lambda: composer.continue_(full, None, 64 * ticks, 4, settings), repeats)
    return results


def evaluate(model: ModelSession, data_path: str | Path, split: str = "test", limit: int | None = None,
             settings: GenerationSettings | None = None, latency_repeats: int = 20,
             progress: Callable[[float], None] | None = None) -> dict:
    """Every figure of the evaluation table as one dict (the JSON output of `cocomposer evaluate`)."""
    chorales = load_split(data_path, split, limit)
    baseline = SopranoBaseline.fit(load_split(data_path, "train"))
    settings = settings or GenerationSettings(seed=0, temperature=0.5)
    composer = Composer(model)
    nll = negative_log_likelihood(model, chorales)
    nll_random = negative_log_likelihood(model, chorales, order="random")
    model_grids, bach_grids, baseline_grids, correct, cells = [], [], [], 0.0, 0
    for i, chorale in enumerate(chorales):
        key = chorale_key(chorale)
        generated = harmonize_chorale(composer, chorale, settings)
        guess = baseline.harmonize(chorale)
        model_grids.append((generated, key))
        bach_grids.append((chorale, key))
        baseline_grids.append((guess, key))
        correct += accuracy(generated, chorale) * len(chorale)
        cells += len(chorale)
        if progress:
            progress((i + 1) / len(chorales))
    baseline_accuracy = sum(accuracy(g, c) * len(c) for (g, _), c in zip(baseline_grids, chorales)) / cells
    return {
        "split": split, "chorales": len(chorales), "frames": cells,
        "nll_per_token": nll, "nll_random_order_per_token": nll_random,
        "nll_context": "each cell sees every earlier cell of its window: the 64-128 frames before it (whole past for the first 64)",
        "accuracy": correct / cells,
        **mean_rates(model_grids),
        "bach": mean_rates(bach_grids),
        "baseline": {"accuracy": baseline_accuracy, **mean_rates(baseline_grids)},
        "harmonize_settings": {"temperature": settings.temperature, "seed": settings.seed},
        "latency_ms": latency(composer, chorales[0], latency_repeats) if latency_repeats else {},
        "device": model.provider,
    }


def format_table(result: dict) -> str:
    """The evaluation as a human-readable table."""
    lines = [f"JSB {result['split']} split: {result['chorales']} chorales, {result['frames']} frames",
             f"NLL, chronological (exact): {result['nll_per_token']:.4f} nats/token",
             f"NLL, random order:          {result['nll_random_order_per_token']:.4f} nats/token",
             f"  ({result['nll_context']})", "",
             f"Harmonization given the soprano (temperature {result['harmonize_settings']['temperature']}):",
             f"{'':24}{'model':>10}{'Bach':>10}{'baseline':>10}",
             f"{'A/T/B exact accuracy':24}{result['accuracy']:>10.3f}{'1.000':>10}{result['baseline']['accuracy']:>10.3f}"]
    for name in RATE_KEYS:
        lines.append(f"{name:24}{result[name]:>10.2f}{result['bach'][name]:>10.2f}{result['baseline'][name]:>10.2f}")
    if result["latency_ms"]:
        lines += ["", f"Latency on {result['device']} (median ms):"]
        lines += [f"  {name:30}{ms:8.1f}" for name, ms in result["latency_ms"].items()]
    return "\n".join(lines)
