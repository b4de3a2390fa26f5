"""Accepting (part of) an AI suggestion as one undo step that adds any new tracks and replaces the notes.

Undoing it puts the song back and the suggestion back on screen; redoing takes it again.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from PySide6.QtGui import QUndoCommand

from cocomposer.core import Track
from cocomposer.ui.document import SongDocument
from cocomposer.ui.suggestions.proposal import NoteEdit, Proposal

if TYPE_CHECKING:
    from cocomposer.ui.suggestions.session import SuggestionSession


class AcceptSuggestionCommand(QUndoCommand):
    """Add `new_tracks` at the end of the song, apply the note edits; the session then shows `after`
    (what is still proposed, or nothing). Undo restores the song and shows `before` again."""

    def __init__(self, session: "SuggestionSession", text: str, new_tracks: list[Track], edits: list[NoteEdit],
                 before: Proposal, after: Proposal | None) -> None:
        super().__init__(text)
        self.session, self.new_tracks, self.edits = session, list(new_tracks), list(edits)
        self.before, self.after = before, after

    @property
    def doc(self) -> SongDocument:
        return self.session.doc

    def redo(self) -> None:
        self.session.apply_own_edit(self._take, self.after, accepting=True)

    def undo(self) -> None:
        self.session.apply_own_edit(self._give_back, self.before, accepting=False)

    def _take(self) -> None:
        with keeping_current_track(self.doc):
            if self.new_tracks:
                self.doc.insert_tracks(len(self.doc.song.tracks), self.new_tracks)
            for edit in self.edits:
                self.doc.replace_notes(edit.track, edit.removed, edit.added, select=False)

    def _give_back(self) -> None:
        with keeping_current_track(self.doc):
            for edit in reversed(self.edits):
                self.doc.replace_notes(edit.track, edit.added, edit.removed, select=False)
            if self.new_tracks:
                self.doc.remove_tracks(self.new_tracks)


@contextmanager
def keeping_current_track(doc: SongDocument) -> Iterator[None]:
    """The track being edited stays current while tracks are added or removed around it."""
    track = doc.current_track
    yield
    if track is not None and any(t is track for t in doc.song.tracks):
        doc.set_current_track(track)
