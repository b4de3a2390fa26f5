"""Menu-level note edits (cut, copy, paste, duplicate, nudge, transpose, quantize) on the current track.

Each turns the selection into one undo command; widgets and actions call these and hold no edit logic.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject

from cocomposer.core import Note
from cocomposer.ui import commands
from cocomposer.ui.document import SongDocument
from cocomposer.ui.pianoroll.tools import EditSettings


class NoteEditing(QObject):
    """Clipboard and selection edits for the document's current track."""

    def __init__(self, doc: SongDocument, settings: EditSettings, playhead: Callable[[], int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc, self.settings, self._playhead = doc, settings, playhead
        self.clipboard: list[Note] = []

    def _grid(self) -> int:
        return self.settings.grid_ticks(self.doc.song, self._playhead())

    def _push(self, command) -> bool:
        if command is None:
            return False
        self.doc.push(command)
        return True

    def select_all(self) -> None:
        track = self.doc.current_track
        self.doc.set_selection(track.notes if track else ())

    def select_none(self) -> None:
        self.doc.set_selection(())

    def delete_selection(self) -> bool:
        track, selection = self.doc.current_track, list(self.doc.selection)
        return bool(track and selection) and self._push(commands.delete_notes(self.doc, track, selection))

    def copy(self) -> None:
        if self.doc.selection:
            self.clipboard = sorted(self.doc.selection, key=lambda n: (n.start, n.pitch))

    def cut(self) -> bool:
        self.copy()
        return self.delete_selection()

    def paste(self) -> bool:
        track = self.doc.current_track
        return bool(track) and self._push(commands.paste_notes(self.doc, track, self.clipboard, self._playhead()))

    def duplicate(self) -> bool:
        track, selection = self.doc.current_track, list(self.doc.selection)
        return bool(track and selection) and self._push(commands.duplicate_notes(self.doc, track, selection, self._grid()))

    def nudge(self, steps: int) -> bool:
        """Move the selection by `steps` grid steps in time (one tick per step when snap is off)."""
        track, selection = self.doc.current_track, list(self.doc.selection)
        ticks = steps * max(self._grid(), 1)
        return bool(track and selection) and self._push(commands.move_notes(self.doc, track, selection, ticks, 0, "Nudge"))

    def transpose(self, semitones: int) -> bool:
        track, selection = self.doc.current_track, list(self.doc.selection)
        return bool(track and selection) and self._push(
            commands.move_notes(self.doc, track, selection, 0, semitones, "Transpose"))

    def quantize(self, starts: bool = True, lengths: bool = True) -> bool:
        """Quantize the selection (or the whole track when nothing is selected) to the snap grid."""
        track = self.doc.current_track
        notes = self.doc.selected_or_all_notes()
        grid = self._grid()
        return bool(track and notes and grid) and self._push(
            commands.quantize_notes(self.doc, track, notes, grid, starts, lengths))

    def toggle_lock(self) -> bool:
        track, selection = self.doc.current_track, list(self.doc.selection)
        if not (track and selection):
            return False
        return self._push(commands.set_lock(self.doc, track, selection, not all(n.locked for n in selection)))
