"""The open document as the views see it: the Song, its undo stack, file path, current track and selection.

Views observe the signals here and redraw; only undo commands (commands.py) call the mutating methods,
so every change to the song is one undoable step and dirty state follows the undo stack. The one exception
is the AI panel's settings: saved with the song but not music, they take no undo step (Undo keeps meaning
the last edit, and brings back an accepted suggestion), yet changing them makes the document unsaved.
"""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path
from typing import Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from cocomposer.core import KeySignature, Note, Song, TempoChange, TimeSignature, Track


class SongDocument(QObject):
    """Owns the Song being edited and announces every change to it."""

    notes_changed = Signal(object)  # the Track whose notes changed
    track_changed = Signal(object)  # the Track whose name, sound or mix changed
    tracks_changed = Signal()  # tracks added, removed or reordered
    timing_changed = Signal()  # tempo, meter or key changed
    song_replaced = Signal()  # a new song was opened or created
    current_track_changed = Signal(object)
    selection_changed = Signal()
    path_changed = Signal()
    dirty_changed = Signal(bool)

    def __init__(self, song: Song | None = None, path: str | Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)  # a method: Qt drops it when the document dies
        self.song = song or Song()
        self.path: Path | None = Path(path) if path else None
        self._current_track: Track | None = self.song.tracks[0] if self.song.tracks else None
        self._selection: frozenset[Note] = frozenset()
        self._saved_ai_settings = copy.deepcopy(self.song.ai_settings)

    # --- document lifecycle ---------------------------------------------------------------
    def _on_clean_changed(self, clean: bool) -> None:
        self.dirty_changed.emit(self.is_dirty)

    @property
    def is_dirty(self) -> bool:
        """Edits since the last save (the undo stack away from its clean state), or AI settings other than saved."""
        return not self.undo_stack.isClean() or self.song.ai_settings != self._saved_ai_settings

    @property
    def display_name(self) -> str:
        return self.path.name if self.path else "Untitled"

    def replace_song(self, song: Song, path: str | Path | None = None) -> None:
        """Start editing another song: history is cleared because its commands point at the old one."""
        self.undo_stack.clear()
        self.song = song
        self.path = Path(path) if path else None
        self._current_track = song.tracks[0] if song.tracks else None
        self._selection = frozenset()
        self._saved_ai_settings = copy.deepcopy(song.ai_settings)
        self.undo_stack.setClean()
        self.song_replaced.emit()
        self.current_track_changed.emit(self._current_track)
        self.selection_changed.emit()
        self.path_changed.emit()
        self.dirty_changed.emit(False)

    def mark_saved(self, path: str | Path) -> None:
        self.path = Path(path)
        settings_only = self.is_dirty and self.undo_stack.isClean()  # then setClean() announces nothing
        self._saved_ai_settings = copy.deepcopy(self.song.ai_settings)
        self.undo_stack.setClean()
        if settings_only:
            self.dirty_changed.emit(False)
        self.path_changed.emit()

    def set_ai_settings(self, settings: dict) -> None:
        """Store the AI panel's settings in the song: no undo step, but unsaved until the song is saved (or the
        settings are set back to what was saved)."""
        was_dirty = self.is_dirty
        self.song.ai_settings = settings
        if self.is_dirty != was_dirty:
            self.dirty_changed.emit(self.is_dirty)

    def push(self, command: QUndoCommand) -> None:
        self.undo_stack.push(command)

    # --- what the user is editing ---------------------------------------------------------
    @property
    def current_track(self) -> Track | None:
        return self._current_track

    def set_current_track(self, track: Track | None) -> None:
        if track is self._current_track:
            return
        self._current_track = track
        self.set_selection(())
        self.current_track_changed.emit(track)

    @property
    def selection(self) -> frozenset[Note]:
        """Selected notes of the current track (notes are values, so a set of them names them exactly)."""
        return self._selection

    def set_selection(self, notes: Iterable[Note]) -> None:
        selection = frozenset(notes)
        if selection != self._selection:
            self._selection = selection
            self.selection_changed.emit()

    def selected_or_all_notes(self) -> list[Note]:
        if self._selection:
            return list(self._selection)
        return list(self._current_track.notes) if self._current_track else []

    # --- mutations, called only by undo commands ------------------------------------------
    def replace_notes(self, track: Track, removed: Iterable[Note], added: Iterable[Note], select: bool = True) -> None:
        """Remove `removed` (by value, once each) from the track, append `added`, select what was added."""
        added = list(added)
        pending = Counter(removed)
        if pending:
            kept = []
            for note in track.notes:
                if pending[note] > 0:
                    pending[note] -= 1
                else:
                    kept.append(note)
            track.notes[:] = kept
        track.notes.extend(added)
        if select and track is self._current_track:
            self._selection = frozenset(added)
            self.selection_changed.emit()
        elif track is self._current_track and self._selection:
            self._selection = self._selection.intersection(track.notes)
            self.selection_changed.emit()
        self.notes_changed.emit(track)

    def set_track_fields(self, track: Track, fields: dict) -> None:
        for name, value in fields.items():
            setattr(track, name, value)
        self.track_changed.emit(track)
        if "notes" in fields:
            self.notes_changed.emit(track)

    def insert_tracks(self, index: int, tracks: list[Track]) -> None:
        self.song.tracks[index:index] = tracks
        self.tracks_changed.emit()
        self.set_current_track(tracks[0] if tracks else self._current_track)

    def remove_tracks(self, tracks: list[Track]) -> None:
        self.song.tracks[:] = [t for t in self.song.tracks if all(t is not gone for gone in tracks)]
        if any(self._current_track is gone for gone in tracks):
            self.set_current_track(self.song.tracks[0] if self.song.tracks else None)
        self.tracks_changed.emit()

    def move_track(self, track: Track, index: int) -> None:
        self.song.tracks.remove(track)
        self.song.tracks.insert(index, track)
        self.tracks_changed.emit()

    def set_timing(self, tempos: list[TempoChange], signatures: list[TimeSignature], keys: list[KeySignature]) -> None:
        self.song.tempo_map.set_changes(tempos)
        self.song.meter.set_signatures(signatures)
        self.song.keys = sorted(keys, key=lambda k: k.tick)
        self.timing_changed.emit()
