"""What the person sees of a suggestion: the ghost notes in view, what accepting would replace, ghosts legible
at any zoom."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage

from cocomposer.io.song_files import load_song
from cocomposer.paths import demo_song_path
from suggest_helpers import ask, four_part_song, open_window, requires_model

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


def test_a_continuation_from_the_right_edge_of_the_view_scrolls_into_view(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, tmp_path, monkeypatch, load_song(demo_song_path()))
    window.editor.zoom_to_song()
    viewport, song_end = window.editor.viewport, window.doc.song.length_ticks
    left, right = viewport.visible_ticks()
    viewport.set_left_tick(song_end - (right - left))  # the view ends where the continuation starts
    assert abs(viewport.visible_ticks()[1] - song_end) < 1
    ask(qtbot, window, "ai_continue")
    left, right = viewport.visible_ticks()
    assert left <= song_end and right - song_end >= 0.5 * (right - left)
    ghosts, canvas = window.suggestions.ghosts, window.editor.canvas
    assert any(ghosts.note_rect(g).intersects(QRectF(canvas.rect())) for g in window.suggestions.session.ghost_notes())


def test_notes_a_rewrite_would_replace_are_marked_under_the_ghosts(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, tmp_path, monkeypatch, four_part_song())
    session, overlay, canvas = window.suggestions.session, window.suggestions.ghosts, window.editor.canvas
    for voice in (2, 3):  # tenor and bass stay as they are
        window.suggestions.panel.voice_checks[voice].setChecked(False)
    window.playback.set_loop_region(0, 1920)
    panel = window.suggestions.panel
    panel.creativity_slider.setValue(panel.creativity_slider.maximum())
    for _attempt in range(8):  # a good model may rewrite these plain chords as they were: ask again
        ask(qtbot, window, "ai_infill")
        ghost_rects = [overlay.note_rect(g) for g in session.ghost_notes()]
        replaced = [n for n in session.proposal.replaced_notes()
                    if not any(overlay.song_note_rect(n).intersects(r) for r in ghost_rects)]
        if replaced:
            break
    assert replaced, "every replaced note is under a ghost in every answer"
    kept = [n for n in window.doc.song.tracks[3].notes if n.start < 1920 and not any(
        overlay.song_note_rect(n).intersects(r) for r in ghost_rects)]
    assert kept  # the low C at least: below the soprano's and the alto's ranges
    shown = canvas.grab().toImage()
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key_Escape)
    plain = canvas.grab().toImage()
    for note in replaced:
        assert color_change(shown, plain, overlay.song_note_rect(note)) > 25  # dimmed, hatched, struck through
    for note in kept:
        assert color_change(shown, plain, overlay.song_note_rect(note)) < 10  # only the region's faint shade
    window.doc.undo_stack.setClean()


def color_change(a: QImage, b: QImage, rect: QRectF) -> float:
    """Mean difference per colour channel between two pictures inside `rect`."""
    inside = rect.adjusted(1, 1, -1, -1).toRect()
    total, count = 0, 0
    for x in range(inside.left(), inside.right() + 1):
        for y in range(inside.top(), inside.bottom() + 1):
            p, q = a.pixelColor(x, y), b.pixelColor(x, y)
            total += abs(p.red() - q.red()) + abs(p.green() - q.green()) + abs(p.blue() - q.blue())
            count += 3
    return total / count


def test_ghosts_too_narrow_for_dashes_get_a_solid_outline(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, tmp_path, monkeypatch, load_song(demo_song_path()))
    ask(qtbot, window, "ai_harmonize")
    canvas, overlay = window.editor.canvas, window.suggestions.ghosts
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key_0, Qt.ControlModifier)  # zoom to the song, then out: a quarter note is ~7 px
    for _ in range(5):
        qtbot.keyClick(canvas, Qt.Key_Minus, Qt.ControlModifier)
    assert window.editor.viewport.pixels_per_tick * 480 < 8
    rects = [overlay.note_rect(g) for g in window.suggestions.session.ghost_notes()]
    narrow = [r for r in rects if r.width() < 8 and r.top() > 24 and r.bottom() < canvas.height()
              and sum(r.intersects(other) for other in rects) == 1]
    assert narrow
    image = canvas.grab().toImage()
    for rect in narrow:
        x = int(rect.center().x())
        column = [image.pixelColor(x, y).lightness() for y in range(int(rect.top()) + 4, int(rect.bottom()) - 3)]
        assert max(column) - min(column) < 12, column  # one even line, not dashes
    window.doc.undo_stack.setClean()
