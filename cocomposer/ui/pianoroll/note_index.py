"""A per-track lookup of notes by time, rebuilt lazily when the document says a track's notes changed.

Notes sorted by start with numpy columns let painting and hit tests bisect straight to the visible
notes, so a 100,000-note song repaints as fast as a small one. It is a cache, never the truth.
"""

from __future__ import annotations

import numpy as np

from cocomposer.core import Note, Track
from cocomposer.ui.document import SongDocument


class TrackNoteIndex:
    """One track's notes sorted by (start, pitch) with start/end/pitch/velocity arrays (ticks)."""

    def __init__(self, notes: list[Note]) -> None:
        count = len(notes)
        starts = np.fromiter((n.start for n in notes), np.int64, count)
        pitches = np.fromiter((n.pitch for n in notes), np.int64, count)
        order = np.lexsort((pitches, starts))
        self.notes: list[Note] = [notes[i] for i in order]
        self.starts = starts[order]
        self.pitches = pitches[order]
        self.ends = self.starts + np.fromiter((n.duration for n in self.notes), np.int64, count)
        self.velocities = np.fromiter((n.velocity for n in self.notes), np.int64, count)
        self.locked = np.fromiter((n.locked for n in self.notes), bool, count)
        # Latest end among notes up to each index: bisecting it finds the first note still sounding at a tick.
        self._reach = np.maximum.accumulate(self.ends) if count else self.ends

    @property
    def last_end(self) -> int:
        return int(self._reach[-1]) if len(self._reach) else 0

    def visible(self, start_tick: float, end_tick: float, low_pitch: int = 0, high_pitch: int = 127) -> np.ndarray:
        """Indices of notes overlapping [start_tick, end_tick) with pitch in [low_pitch, high_pitch]."""
        first = int(np.searchsorted(self._reach, start_tick, side="right"))
        last = int(np.searchsorted(self.starts, end_tick, side="left"))
        if last <= first:
            return np.empty(0, np.int64)
        pitches = self.pitches[first:last]
        mask = (self.ends[first:last] > start_tick) & (pitches >= low_pitch) & (pitches <= high_pitch)
        return np.nonzero(mask)[0] + first

    def note_at(self, tick: float, pitch: int) -> Note | None:
        """The note sounding `pitch` at `tick`; the latest-starting one when several overlap."""
        hits = self.visible(tick, tick + 1e-6, pitch, pitch)
        return self.notes[int(hits[-1])] if len(hits) else None

    def notes_in(self, start_tick: float, end_tick: float, low_pitch: int, high_pitch: int) -> list[Note]:
        return [self.notes[int(i)] for i in self.visible(start_tick, end_tick, low_pitch, high_pitch)]


class NoteIndexCache:
    """Indexes per track, dropped when the document announces a change to that track's notes."""

    def __init__(self, doc: SongDocument) -> None:
        self._indexes: dict[int, TrackNoteIndex] = {}
        doc.notes_changed.connect(lambda track: self._indexes.pop(id(track), None))
        doc.song_replaced.connect(self._indexes.clear)
        doc.tracks_changed.connect(self._forget_removed_tracks)
        self._doc = doc

    def index_for(self, track: Track) -> TrackNoteIndex:
        index = self._indexes.get(id(track))
        if index is None:
            index = self._indexes[id(track)] = TrackNoteIndex(track.notes)
        return index

    def song_end(self) -> int:
        """End of the last note of the song in ticks (Song.length_ticks without walking every note)."""
        ends = [self.index_for(t).last_end for t in self._doc.song.tracks]
        return max(ends, default=0)

    def _forget_removed_tracks(self) -> None:
        alive = {id(t) for t in self._doc.song.tracks}
        for key in [k for k in self._indexes if k not in alive]:
            del self._indexes[key]
