"""A song region as the model sees it: voice lanes x 16th-note frames of pitches, and back to notes.

Tracks map to the four voices by their voice role; without roles, a single polyphonic track is split
by pitch order (highest = soprano) and several monophonic tracks are ordered by average pitch.
A cell holds the pitch sounding at the frame (notes are quantized to the 16th grid), or -1 for silence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cocomposer.ai.vocabulary import FRAMES_PER_QUARTER, NUM_VOICES
from cocomposer.core import Note, Song, Track, VoiceRole

SILENT = -1


@dataclass(frozen=True)
class Lane:
    """Where a voice comes from: a track, and which note of its chords (0 = top, -1 = bottom, None = all)."""

    track_index: int
    chord_part: int | None = None


def frame_ticks(song: Song) -> int:
    """Ticks per 16th-note frame."""
    return max(1, song.ppq // FRAMES_PER_QUARTER)


def is_polyphonic(track: Track) -> bool:
    notes = track.sorted_notes()
    latest_end = -1
    for note in notes:
        if note.start < latest_end:
            return True
        latest_end = max(latest_end, note.end)
    return False


def voice_lanes(song: Song) -> list[Lane | None]:
    """The lane feeding each voice S, A, T, B (None where no track provides that voice)."""
    lanes: list[Lane | None] = [None] * NUM_VOICES
    for index, track in enumerate(song.tracks):
        if track.voice is not None and lanes[track.voice.index] is None:
            part = (-1 if track.voice == VoiceRole.BASS else 0) if is_polyphonic(track) else None
            lanes[track.voice.index] = Lane(index, part)
    if any(lanes):
        return lanes
    melodic = [i for i, t in enumerate(song.tracks) if not t.is_drum and t.notes]
    if len(melodic) == 1 and is_polyphonic(song.tracks[melodic[0]]):
        return [Lane(melodic[0], part) for part in (0, 1, 2, -1)]
    by_height = sorted(melodic, key=lambda i: -np.mean([n.pitch for n in song.tracks[i].notes]))
    for voice, index in enumerate(by_height[:NUM_VOICES]):
        lanes[voice] = Lane(index)
    return lanes


def note_frames(note: Note, origin_tick: int, ticks_per_frame: int) -> tuple[int, int]:
    """The frames [first, end) a note occupies on the grid starting at `origin_tick` (at least one)."""
    first = int(round((note.start - origin_tick) / ticks_per_frame))
    end = max(first + 1, int(round((note.end - origin_tick) / ticks_per_frame)))
    return first, end


def read_lane(track: Track, lane: Lane, origin_tick: int, frames: int, ticks_per_frame: int) -> np.ndarray:
    """Pitch per frame (SILENT where nothing sounds) of one lane over `frames` frames from `origin_tick`."""
    sounding: list[list[int]] = [[] for _ in range(frames)]
    window_end = origin_tick + frames * ticks_per_frame
    for note in track.notes:
        if note.end <= origin_tick or note.start >= window_end:
            continue
        first, end = note_frames(note, origin_tick, ticks_per_frame)
        for f in range(max(first, 0), min(end, frames)):
            sounding[f].append(note.pitch)
    pitches = np.full(frames, SILENT, dtype=np.int64)
    for f, here in enumerate(sounding):
        if here:
            here.sort(reverse=True)
            part = 0 if lane.chord_part is None else lane.chord_part
            if lane.chord_part is None or -len(here) <= part < len(here):
                pitches[f] = here[part]
    return pitches


def locked_frames(track: Track, origin_tick: int, frames: int, ticks_per_frame: int) -> np.ndarray:
    """Frames covered by the track's locked notes (or all frames when the whole track is locked)."""
    locked = np.zeros(frames, dtype=bool)
    if track.locked:
        locked[:] = True
        return locked
    for note in track.notes:
        if note.locked:
            first, end = note_frames(note, origin_tick, ticks_per_frame)
            locked[max(first, 0):min(end, frames)] = True
    return locked


def lane_extent(track: Track) -> tuple[int, int]:
    """(first start, last end) ticks of a track's notes, or (0, 0) when empty."""
    if not track.notes:
        return 0, 0
    return min(n.start for n in track.notes), max(n.end for n in track.notes)


def pitches_to_notes(pitches: np.ndarray, origin_tick: int, ticks_per_frame: int, velocity: int = 90) -> list[Note]:
    """Merge runs of equal pitch into notes (the grid cannot tell a held note from a repeated one)."""
    notes = []
    run_start = 0
    for f in range(1, len(pitches) + 1):
        if f == len(pitches) or pitches[f] != pitches[run_start]:
            if pitches[run_start] != SILENT:
                notes.append(Note(int(pitches[run_start]), origin_tick + run_start * ticks_per_frame,
                                  (f - run_start) * ticks_per_frame, velocity))
            run_start = f
    return notes


def octave_shift(given_pitches: dict[int, np.ndarray], typical: tuple[int, ...]) -> int:
    """Semitones (a multiple of 12) that move the given voices nearest to the model's usual register."""
    offsets = [np.median(p[p >= 0]) - typical[v] for v, p in given_pitches.items() if (p >= 0).any()]
    if not offsets:
        return 0
    return -int(round(float(np.mean(offsets)) / 12.0)) * 12
