"""What the AI proposes: a Suggestion with variants of notes per voice, kept apart from the song.

Nothing here changes a Song except `apply_variant`, which the CLI calls directly and the editor
wraps in one undo command. Accepting replaces the unlocked notes that start inside the region on
the written tracks, adds any new tracks the request needed, and never touches other tracks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cocomposer.core import KeySignature, Note, Song, Track


@dataclass
class Variant:
    notes: dict[int, list[Note]]  # voice index -> proposed notes
    confidence: np.ndarray  # (frames, 4): model probability of each written cell, 1.0 elsewhere


@dataclass
class Suggestion:
    task: str  # "harmonize" | "continue" | "infill"
    start_tick: int
    end_tick: int
    voice_tracks: dict[int, int]  # voice index -> index into song.tracks (new tracks come after the existing ones)
    new_tracks: dict[int, Track]  # voice index -> empty track to add on accept
    replaced: dict[int, list[Note]]  # voice index -> notes that accepting removes
    variants: list[Variant]
    key: KeySignature | None
    seed: int
    settings: dict = field(default_factory=dict)

    @property
    def voices(self) -> list[int]:
        return sorted(self.voice_tracks)


def apply_variant(song: Song, suggestion: Suggestion, variant_index: int = 0,
                  voices: list[int] | None = None, notes: dict[int, list[Note]] | None = None) -> None:
    """Write a variant into `song`: all its voices, only `voices`, or only the given `notes` per voice.

    Accepting single notes (`notes`) adds them without removing anything, so the rest stay proposed.
    """
    for voice, track in sorted(suggestion.new_tracks.items(), key=lambda item: suggestion.voice_tracks[item[0]]):
        if suggestion.voice_tracks[voice] >= len(song.tracks):
            song.tracks.append(track.copy(notes=[]))
    variant = suggestion.variants[variant_index]
    chosen = voices if voices is not None else suggestion.voices
    for voice in chosen:
        track = song.tracks[suggestion.voice_tracks[voice]]
        if notes is not None:
            track.notes.extend(notes.get(voice, []))
            continue
        removed = {id(n) for n in suggestion.replaced.get(voice, [])}
        track.notes = [n for n in track.notes if id(n) not in removed] + list(variant.notes.get(voice, []))
