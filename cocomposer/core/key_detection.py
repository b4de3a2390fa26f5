"""Guessing a song's key from its notes (Krumhansl-Kessler profiles weighted by note duration)."""

from __future__ import annotations

import numpy as np

from cocomposer.core.song import Song
from cocomposer.core.timing import KeySignature

MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def detect_key(song: Song, start_tick: int = 0, end_tick: int | None = None) -> KeySignature | None:
    """The best-correlating major or minor key of the pitched notes in [start_tick, end_tick), or None."""
    weights = np.zeros(12)
    for track in song.tracks:
        if track.is_drum:
            continue
        for note in track.notes:
            if note.end > start_tick and (end_tick is None or note.start < end_tick):
                weights[note.pitch % 12] += note.duration
    if not weights.any():
        return None
    best, best_score = None, -np.inf
    for tonic in range(12):
        for mode, profile in (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE)):
            score = np.corrcoef(weights, np.roll(profile, tonic))[0, 1]
            if score > best_score:
                best, best_score = KeySignature(0, tonic, mode), score
    return best
