"""Musical time: the tempo map (ticks <-> seconds), meter (ticks <-> bars/beats) and key signatures.

All `tick` values are in the song's PPQ; all `seconds` values are wall-clock seconds from the start.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

DEFAULT_BPM = 120.0
PITCH_CLASS_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


@dataclass(frozen=True, slots=True)
class TempoChange:
    """From `tick` on, the tempo is `bpm` quarter notes per minute."""

    tick: int
    bpm: float


@dataclass(frozen=True, slots=True)
class TimeSignature:
    """From `tick` (which should fall on a bar line) on, bars have numerator/denominator."""

    tick: int
    numerator: int = 4
    denominator: int = 4


@dataclass(frozen=True, slots=True)
class KeySignature:
    """From `tick` on, the key is `tonic` (pitch class 0 = C .. 11 = B) in `mode` ('major' or 'minor')."""

    tick: int
    tonic: int = 0
    mode: str = "major"

    def __post_init__(self) -> None:
        if not 0 <= self.tonic < 12:
            raise ValueError(f"key tonic must be a pitch class 0..11, not {self.tonic}")
        if self.mode not in ("major", "minor"):
            raise ValueError(f"key mode must be 'major' or 'minor', not {self.mode!r}")

    @property
    def name(self) -> str:
        return f"{PITCH_CLASS_NAMES[self.tonic]} {self.mode}"

    def scale_pitch_classes(self) -> frozenset[int]:
        """Pitch classes of the scale (natural minor plus the raised 7th, as chorales use it)."""
        steps = (0, 2, 4, 5, 7, 9, 11) if self.mode == "major" else (0, 2, 3, 5, 7, 8, 10, 11)
        return frozenset((self.tonic + s) % 12 for s in steps)

    @classmethod
    def parse(cls, text: str, tick: int = 0) -> "KeySignature":
        """Parse names like 'C', 'F# minor', 'Bbm', 'eb major'."""
        cleaned = text.strip().replace("♭", "b").replace("♯", "#")
        mode = "major"
        lowered = cleaned.lower()
        for suffix, suffix_mode in ((" minor", "minor"), (" major", "major"), ("min", "minor"), ("maj", "major"), ("m", "minor")):
            if lowered.endswith(suffix) and len(cleaned) > len(suffix):
                cleaned, mode = cleaned[: -len(suffix)].strip(), suffix_mode
                break
        names = {n.lower(): i for i, n in enumerate(PITCH_CLASS_NAMES)}
        names.update({"db": 1, "d#": 3, "gb": 6, "g#": 8, "a#": 10, "cb": 11, "e#": 5, "fb": 4, "b#": 0})
        tonic = names.get(cleaned.lower())
        if tonic is None:
            raise ValueError(f"unknown key {text!r}: use a note name and optional 'major'/'minor', e.g. 'F# minor'")
        return cls(tick, tonic, mode)


class TempoMap:
    """Piecewise-constant tempo; converts ticks <-> seconds exactly, scalars or numpy arrays."""

    def __init__(self, ppq: int, changes: list[TempoChange] | None = None) -> None:
        self.ppq = ppq
        self.changes: list[TempoChange] = []
        self.set_changes(changes or [TempoChange(0, DEFAULT_BPM)])

    def set_changes(self, changes: list[TempoChange]) -> None:
        by_tick = {c.tick: c for c in changes}  # a later change at the same tick wins
        ordered = [by_tick[t] for t in sorted(by_tick)]
        if not ordered or ordered[0].tick != 0:
            first_bpm = ordered[0].bpm if ordered else DEFAULT_BPM
            ordered.insert(0, TempoChange(0, first_bpm))
        for c in ordered:
            if not c.bpm > 0:
                raise ValueError(f"tempo must be positive, got {c.bpm} bpm at tick {c.tick}")
        self.changes = ordered
        self._ticks = np.array([c.tick for c in ordered], dtype=np.int64)
        seconds_per_tick = np.array([60.0 / (c.bpm * self.ppq) for c in ordered])
        starts = np.zeros(len(ordered))
        if len(ordered) > 1:
            starts[1:] = np.cumsum(np.diff(self._ticks) * seconds_per_tick[:-1])
        self._seconds_per_tick = seconds_per_tick
        self._start_seconds = starts

    def bpm_at(self, tick: int) -> float:
        return self.changes[bisect.bisect_right(self._ticks.tolist(), tick) - 1].bpm

    def tick_to_seconds(self, tick):
        """Seconds at `tick` (int or numpy array of ticks)."""
        t = np.asarray(tick, dtype=np.float64)
        i = np.searchsorted(self._ticks, t, side="right") - 1
        i = np.clip(i, 0, len(self._ticks) - 1)
        out = self._start_seconds[i] + (t - self._ticks[i]) * self._seconds_per_tick[i]
        return float(out) if out.ndim == 0 else out

    def seconds_to_tick(self, seconds):
        """Tick (float) at `seconds` (float or numpy array)."""
        s = np.asarray(seconds, dtype=np.float64)
        i = np.searchsorted(self._start_seconds, s, side="right") - 1
        i = np.clip(i, 0, len(self._ticks) - 1)
        out = self._ticks[i] + (s - self._start_seconds[i]) / self._seconds_per_tick[i]
        return float(out) if out.ndim == 0 else out


class MeterMap:
    """Time signatures over the song; converts ticks <-> (bar, beat, tick-in-beat), all 0-based."""

    def __init__(self, ppq: int, signatures: list[TimeSignature] | None = None) -> None:
        self.ppq = ppq
        self.signatures: list[TimeSignature] = []
        self.set_signatures(signatures or [TimeSignature(0)])

    def set_signatures(self, signatures: list[TimeSignature]) -> None:
        by_tick = {s.tick: s for s in signatures}
        ordered = [by_tick[t] for t in sorted(by_tick)]
        if not ordered or ordered[0].tick != 0:
            ordered.insert(0, TimeSignature(0, *(ordered[0].numerator, ordered[0].denominator) if ordered else (4, 4)))
        for s in ordered:
            if s.numerator < 1 or s.denominator not in (1, 2, 4, 8, 16, 32, 64):
                raise ValueError(f"invalid time signature {s.numerator}/{s.denominator} at tick {s.tick}")
        self.signatures = ordered
        # The bar number each signature starts at; a signature not on a bar line starts a new bar.
        self._first_bars = [0]
        for prev, cur in zip(ordered, ordered[1:]):
            span = cur.tick - prev.tick
            bars = -(-span // self.ticks_per_bar(prev))
            self._first_bars.append(self._first_bars[-1] + bars)

    def ticks_per_beat(self, sig: TimeSignature) -> int:
        return self.ppq * 4 // sig.denominator

    def ticks_per_bar(self, sig: TimeSignature) -> int:
        return self.ticks_per_beat(sig) * sig.numerator

    def signature_at(self, tick: int) -> TimeSignature:
        i = bisect.bisect_right([s.tick for s in self.signatures], tick) - 1
        return self.signatures[max(i, 0)]

    def bar_to_tick(self, bar: int) -> int:
        """Tick where 0-based `bar` starts."""
        i = bisect.bisect_right(self._first_bars, bar) - 1
        sig = self.signatures[max(i, 0)]
        return sig.tick + (bar - self._first_bars[max(i, 0)]) * self.ticks_per_bar(sig)

    def tick_to_bar_beat(self, tick: int) -> tuple[int, int, int]:
        """(bar, beat, tick within beat), all 0-based, for `tick`."""
        i = max(bisect.bisect_right([s.tick for s in self.signatures], tick) - 1, 0)
        sig = self.signatures[i]
        offset = tick - sig.tick
        bar_len, beat_len = self.ticks_per_bar(sig), self.ticks_per_beat(sig)
        bar = self._first_bars[i] + offset // bar_len
        in_bar = offset % bar_len
        return bar, in_bar // beat_len, in_bar % beat_len

    def bar_lines(self, start_tick: int, end_tick: int) -> list[int]:
        """Ticks of every bar line in [start_tick, end_tick]."""
        bar = self.tick_to_bar_beat(max(start_tick, 0))[0]
        lines = []
        while (t := self.bar_to_tick(bar)) <= end_tick:
            if t >= start_tick:
                lines.append(t)
            bar += 1
        return lines
