"""What the person sees of a suggestion: the ghost notes in view, what accepting would replace, ghosts legible
at any zoom."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from cocomposer.io.song_files import load_song
from cocomposer.paths import demo_song_path
from suggest_helpers import ask, open_window, requires_model

pytestmark = requires_model


def test_harmonize_scrolls_the_ghost_notes_and_the_melody_into_view(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, tmp_path, monkeypatch, load_song(demo_song_path()))
    window.editor.viewport.center_on_pitch(76)  # the melody in view, the roll's lower half the tenor's range
    ask(qtbot, window, "ai_harmonize")
    ghosts, canvas = window.suggestions.ghosts, window.editor.canvas
    shown = [ghosts.note_rect(g) for g in window.suggestions.session.ghost_notes()]
    assert min(r.top() for r in shown) >= 0 and max(r.bottom() for r in shown) <= canvas.height()
    viewport = window.editor.viewport
    melody = window.doc.song.tracks[0].notes
    assert all(0 <= viewport.pitch_to_y(n.pitch) and viewport.pitch_to_y(n.pitch) + viewport.row_height
               <= canvas.height() for n in melody)  # still heard against the melody
    window.doc.undo_stack.setClean()
