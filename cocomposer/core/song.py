"""The document: a Song of Tracks of Notes, timed in ticks, with its tempo map, meter and key.

Everything else (files, audio, AI, the editor) reads and writes these objects; nothing here knows
about Qt, ONNX or FluidSynth.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from cocomposer.core.timing import KeySignature, MeterMap, TempoChange, TempoMap, TimeSignature

DEFAULT_PPQ = 480
DRUM_CHANNEL = 9  # General MIDI percussion: channel 10, 0-based 9


class VoiceRole(str, enum.Enum):
    """Which choral lane a track is, so the AI knows where to read and write four-part harmony."""

    SOPRANO = "soprano"
    ALTO = "alto"
    TENOR = "tenor"
    BASS = "bass"

    @property
    def index(self) -> int:
        """Voice order S=0, A=1, T=2, B=3 (the model's voice axis)."""
        return list(VoiceRole).index(self)

    @classmethod
    def parse(cls, text: str | None) -> "VoiceRole | None":
        if text in (None, "", "none"):
            return None
        lowered = str(text).lower()
        for role in cls:
            if lowered in (role.value, role.value[0]):
                return role
        raise ValueError(f"unknown voice role {text!r}: use soprano, alto, tenor, bass or none")


@dataclass(frozen=True, slots=True)
class Note:
    """One note: MIDI `pitch` 0-127 from `start` for `duration` ticks (> 0), `velocity` 1-127.

    Frozen so edits are explicit replacements (easy undo); `locked` notes are never changed by the AI.
    """

    pitch: int
    start: int
    duration: int
    velocity: int = 96
    locked: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.pitch <= 127:
            raise ValueError(f"note pitch must be 0..127, not {self.pitch}")
        if self.start < 0:
            raise ValueError(f"note start must be >= 0 ticks, not {self.start}")
        if self.duration <= 0:
            raise ValueError(f"note duration must be > 0 ticks, not {self.duration}")
        if not 1 <= self.velocity <= 127:
            raise ValueError(f"note velocity must be 1..127, not {self.velocity}")

    @property
    def end(self) -> int:
        return self.start + self.duration

    def moved(self, **changes: Any) -> "Note":
        """A copy with some fields changed (pitch, start, duration, velocity, locked)."""
        return replace(self, **changes)


@dataclass(eq=False)
class Track:
    """A part: its notes and how it sounds (GM program, channel, mix) and, optionally, its voice role."""

    name: str = "Track"
    program: int = 0
    channel: int = 0
    is_drum: bool = False
    muted: bool = False
    solo: bool = False
    volume: int = 100  # MIDI CC7, 0-127
    pan: int = 64  # MIDI CC10, 0 = left, 64 = centre, 127 = right
    color: str = "#4a90d9"
    voice: VoiceRole | None = None
    locked: bool = False  # the AI never writes into a locked track
    notes: list[Note] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name, value, low, high in (("program", self.program, 0, 127), ("channel", self.channel, 0, 15),
                                       ("volume", self.volume, 0, 127), ("pan", self.pan, 0, 127)):
            if not low <= value <= high:
                raise ValueError(f"track {self.name!r}: {name} must be {low}..{high}, not {value}")

    def sorted_notes(self) -> list[Note]:
        return sorted(self.notes, key=lambda n: (n.start, n.pitch, n.duration))

    @property
    def end(self) -> int:
        return max((n.end for n in self.notes), default=0)

    def copy(self, notes: Iterable[Note] | None = None) -> "Track":
        return replace(self, notes=list(self.notes if notes is None else notes))


class Song:
    """The whole document. Times are ticks at `ppq` ticks per quarter note."""

    def __init__(
        self,
        ppq: int = DEFAULT_PPQ,
        tracks: list[Track] | None = None,
        tempos: list[TempoChange] | None = None,
        time_signatures: list[TimeSignature] | None = None,
        keys: list[KeySignature] | None = None,
        title: str = "",
        ai_settings: dict[str, Any] | None = None,
    ) -> None:
        if ppq <= 0:
            raise ValueError(f"PPQ must be positive, not {ppq}")
        self.ppq = ppq
        self.title = title
        self.tracks: list[Track] = list(tracks or [])
        self.tempo_map = TempoMap(ppq, tempos)
        self.meter = MeterMap(ppq, time_signatures)
        self.keys: list[KeySignature] = sorted(keys or [], key=lambda k: k.tick)
        # Free-form settings the AI panel saves with the project (creativity, variants, ranges...).
        self.ai_settings: dict[str, Any] = dict(ai_settings or {})

    # --- time -----------------------------------------------------------------------------
    @property
    def tempos(self) -> list[TempoChange]:
        return self.tempo_map.changes

    @property
    def time_signatures(self) -> list[TimeSignature]:
        return self.meter.signatures

    def key_at(self, tick: int = 0) -> KeySignature | None:
        current = None
        for k in self.keys:
            if k.tick <= tick:
                current = k
        return current

    @property
    def length_ticks(self) -> int:
        """End of the last note, in ticks."""
        return max((t.end for t in self.tracks), default=0)

    @property
    def length_seconds(self) -> float:
        return self.tempo_map.tick_to_seconds(self.length_ticks)

    def tick_to_seconds(self, tick):
        return self.tempo_map.tick_to_seconds(tick)

    def seconds_to_tick(self, seconds):
        return self.tempo_map.seconds_to_tick(seconds)

    def tick_to_bar_beat(self, tick: int) -> tuple[int, int, int]:
        return self.meter.tick_to_bar_beat(tick)

    def bar_to_tick(self, bar: int) -> int:
        return self.meter.bar_to_tick(bar)

    # --- tracks ---------------------------------------------------------------------------
    @property
    def note_count(self) -> int:
        return sum(len(t.notes) for t in self.tracks)

    def audible_tracks(self) -> list[Track]:
        """Tracks that sound: all unmuted ones, or only the soloed ones when any track is soloed."""
        soloed = [t for t in self.tracks if t.solo]
        return soloed if soloed else [t for t in self.tracks if not t.muted]

    def track_for_voice(self, voice: VoiceRole) -> Track | None:
        return next((t for t in self.tracks if t.voice == voice), None)

    def free_channel(self) -> int:
        """A MIDI channel no melodic track uses yet (skipping the drum channel), or 0 if all are used."""
        used = {t.channel for t in self.tracks}
        return next((c for c in range(16) if c != DRUM_CHANNEL and c not in used), 0)

    def copy(self) -> "Song":
        """A deep-enough copy: new track objects and note lists (notes themselves are immutable)."""
        return Song(self.ppq, [t.copy() for t in self.tracks], list(self.tempos), list(self.time_signatures),
                    list(self.keys), self.title, dict(self.ai_settings))
