"""Editing in the piano roll with real mouse and keyboard events: each gesture is one undo step."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from cocomposer.core import Note
from cocomposer.ui.pianoroll.tools import Tool
from ui_helpers import melody, roll_point


def drag(qtbot, widget, start: QPoint, end: QPoint, modifiers=Qt.NoModifier) -> None:
    qtbot.mousePress(widget, Qt.LeftButton, modifiers, start)
    steps = 4
    for k in range(1, steps + 1):
        point = start + (end - start) * (k / steps)
        QTest.mouseMove(widget, point)
    qtbot.mouseRelease(widget, Qt.LeftButton, modifiers, end)


def test_draw_tool_click_drag_sets_length_and_undo_redo(qtbot, window):
    window.action_collection["tool_draw"].trigger()
    assert window.edit_settings.tool is Tool.DRAW
    canvas, track = window.editor.canvas, melody(window)
    before = list(track.notes)
    drag(qtbot, canvas, roll_point(window, 1920, 67), roll_point(window, 2880, 67, x_offset=0))
    assert Note(67, 1920, 960, 96) in track.notes
    assert len(track.notes) == len(before) + 1
    window.doc.undo_stack.undo()
    assert track.notes == before
    window.doc.undo_stack.redo()
    assert Note(67, 1920, 960, 96) in track.notes


def test_double_click_in_select_mode_draws(qtbot, window):
    canvas, track = window.editor.canvas, melody(window)
    qtbot.mouseDClick(canvas, Qt.LeftButton, Qt.NoModifier, roll_point(window, 2400, 70))
    drawn = [n for n in track.notes if n.pitch == 70]
    assert len(drawn) == 1 and drawn[0].start == 2400
    assert window.doc.undo_stack.count() == 1


def test_alt_bypasses_snap_when_drawing(qtbot, window):
    window.action_collection["tool_draw"].trigger()
    canvas, track = window.editor.canvas, melody(window)
    point = roll_point(window, 2000, 72, x_offset=3)
    qtbot.mouseClick(canvas, Qt.LeftButton, Qt.AltModifier, point)
    start = next(n.start for n in track.notes if n.pitch == 72)
    assert start % 120 != 0  # off the 1/16 grid


def test_rubber_band_selects_and_shift_adds(qtbot, window):
    canvas, doc = window.editor.canvas, window.doc
    notes = melody(window).notes
    drag(qtbot, canvas, roll_point(window, -0.0, 63, x_offset=1), roll_point(window, 1000, 59))
    assert doc.selection == {notes[0], notes[1]}
    drag(qtbot, canvas, roll_point(window, 1460, 66), roll_point(window, 1700, 64), Qt.ShiftModifier)
    assert doc.selection == {notes[0], notes[1], notes[3]}


def test_ctrl_click_toggles_selection(qtbot, window):
    canvas, doc = window.editor.canvas, window.doc
    first, second = melody(window).notes[:2]
    qtbot.mouseClick(canvas, Qt.LeftButton, Qt.NoModifier, roll_point(window, first.start, first.pitch, 10))
    qtbot.mouseClick(canvas, Qt.LeftButton, Qt.ControlModifier, roll_point(window, second.start, second.pitch, 10))
    assert doc.selection == {first, second}
    qtbot.mouseClick(canvas, Qt.LeftButton, Qt.ControlModifier, roll_point(window, first.start, first.pitch, 10))
    assert doc.selection == {second}


def test_drag_moves_in_time_and_pitch_as_one_undo_step(qtbot, window):
    canvas, track, stack = window.editor.canvas, melody(window), window.doc.undo_stack
    note = track.notes[1]  # D4 at beat 2
    drag(qtbot, canvas, roll_point(window, note.start, note.pitch, 10), roll_point(window, note.start + 480, note.pitch + 2, 10))
    assert Note(64, 960, 480, 90) in track.notes and note not in track.notes
    assert stack.count() == 1
    stack.undo()
    assert note in track.notes


def test_drag_right_edge_resizes(qtbot, window):
    canvas, track = window.editor.canvas, melody(window)
    note = track.notes[0]
    edge = roll_point(window, note.end, note.pitch, x_offset=-2)
    drag(qtbot, canvas, edge, roll_point(window, note.end + 240, note.pitch, x_offset=-2))
    assert Note(60, 0, 720, 90) in track.notes
    window.doc.undo_stack.undo()
    assert note in track.notes


def move_with(widget, point: QPoint, modifiers) -> None:
    """A mouse move with the left button held and `modifiers` down (QTest.mouseMove sends no modifiers)."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(widget, QMouseEvent(QMouseEvent.MouseMove, QPointF(point), QPointF(widget.mapToGlobal(point)),
                                               Qt.NoButton, Qt.LeftButton, modifiers))


def test_drag_left_edge_moves_the_start_and_keeps_the_end_as_one_step(qtbot, window):
    canvas, track, stack = window.editor.canvas, melody(window), window.doc.undo_stack
    note = track.notes[1]  # D4, beat 2
    edge = roll_point(window, note.start, note.pitch, x_offset=2)
    drag(qtbot, canvas, edge, roll_point(window, note.start - 250, note.pitch, x_offset=2))
    assert Note(62, 240, 720, 90) in track.notes and note not in track.notes  # snapped to the 1/16 grid
    assert stack.count() == 1
    stack.undo()
    assert note in track.notes
    drag(qtbot, canvas, edge, roll_point(window, note.end + 480, note.pitch, x_offset=2))
    assert Note(62, 840, 120, 90) in track.notes  # never shorter than one grid step; the end stays


def test_alt_bypasses_snap_when_dragging_the_left_edge(qtbot, window):
    canvas, track = window.editor.canvas, melody(window)
    note = track.notes[2]  # E4 at 960
    edge = roll_point(window, note.start, note.pitch, x_offset=2)
    target = roll_point(window, note.start + 170, note.pitch, x_offset=2)
    qtbot.mousePress(canvas, Qt.LeftButton, Qt.AltModifier, edge)
    move_with(canvas, target, Qt.AltModifier)
    qtbot.mouseRelease(canvas, Qt.LeftButton, Qt.AltModifier, target)
    resized = next(n for n in track.notes if n.pitch == 64)
    assert resized.end == note.end and resized.start % 120 != 0 and 1100 <= resized.start <= 1160


def test_note_edges_show_the_resize_cursor(qtbot, window):
    canvas, note = window.editor.canvas, melody(window).notes[1]
    for x_offset, shape in ((2, Qt.SizeHorCursor), (20, Qt.ArrowCursor), (46, Qt.SizeHorCursor)):
        QTest.mouseMove(canvas, roll_point(window, note.start, note.pitch, x_offset))
        assert canvas.cursor().shape() == shape, x_offset


def test_erase_tool_deletes_what_it_crosses(qtbot, window):
    window.action_collection["tool_erase"].trigger()
    canvas, track = window.editor.canvas, melody(window)
    qtbot.mouseClick(canvas, Qt.LeftButton, Qt.NoModifier, roll_point(window, 480, 62, 10))
    assert [n.pitch for n in track.notes] == [60, 64, 65]


def test_delete_key_and_undo(qtbot, window):
    canvas, track = window.editor.canvas, melody(window)
    note = track.notes[2]
    qtbot.mouseClick(canvas, Qt.LeftButton, Qt.NoModifier, roll_point(window, note.start, note.pitch, 10))
    qtbot.keyClick(canvas, Qt.Key_Delete)
    assert note not in track.notes
    window.action_collection["edit_undo"].trigger()
    assert note in track.notes
    window.action_collection["edit_redo"].trigger()
    assert note not in track.notes


def test_arrow_keys_transpose_and_nudge(qtbot, window):
    canvas, track = window.editor.canvas, melody(window)
    canvas.setFocus()
    window.doc.set_selection([track.notes[0]])
    qtbot.keyClick(canvas, Qt.Key_Up)
    assert Note(61, 0, 480, 90) in track.notes
    qtbot.keyClick(canvas, Qt.Key_Up, Qt.ShiftModifier)
    assert Note(73, 0, 480, 90) in track.notes
    qtbot.keyClick(canvas, Qt.Key_Down)
    assert Note(72, 0, 480, 90) in track.notes
    qtbot.keyClick(canvas, Qt.Key_Right)
    assert Note(72, 120, 480, 90) in track.notes  # one 1/16 grid step
    for _ in range(4):
        window.doc.undo_stack.undo()
    assert Note(60, 0, 480, 90) in track.notes


def test_ctrl_d_duplicates_after_itself(qtbot, window):
    canvas, track = window.editor.canvas, melody(window)
    canvas.setFocus()
    window.doc.set_selection(track.notes[:2])
    qtbot.keyClick(canvas, Qt.Key_D, Qt.ControlModifier)
    assert Note(60, 960, 480, 90) in track.notes and Note(62, 1440, 480, 90) in track.notes
    assert len(track.notes) == 6


def test_copy_paste_at_playhead(qtbot, window):
    canvas, track = window.editor.canvas, melody(window)
    canvas.setFocus()
    window.doc.set_selection(track.notes[2:4])
    qtbot.keyClick(canvas, Qt.Key_C, Qt.ControlModifier)
    window.playback.set_playhead(3840)
    qtbot.keyClick(canvas, Qt.Key_V, Qt.ControlModifier)
    assert Note(64, 3840, 480, 90) in track.notes and Note(65, 4320, 480, 90) in track.notes
    assert window.doc.selection == {Note(64, 3840, 480, 90), Note(65, 4320, 480, 90)}
    qtbot.keyClick(canvas, Qt.Key_X, Qt.ControlModifier)
    assert len(track.notes) == 4


def test_quantize_snaps_selection_to_grid(qtbot, window):
    track = melody(window)
    loose = Note(67, 2410, 230, 80)
    track.notes.append(loose)
    window.doc.notes_changed.emit(track)
    window.doc.set_selection([loose])
    window.edit_settings.set_snap_label("1/8")
    window.action_collection["edit_quantize"].trigger()
    assert Note(67, 2400, 240, 80) in track.notes


def test_velocity_lane_drag_sets_velocity_of_selected(qtbot, window):
    lane, track = window.editor.velocity_lane, melody(window)
    target = track.notes[1]
    window.doc.set_selection([target])
    x = int(window.editor.viewport.tick_to_x(target.start) + 2)
    drag(qtbot, lane, QPoint(x, 40), QPoint(x, 2))
    changed = next(n for n in track.notes if n.start == target.start)
    assert changed.velocity == 127
    assert [n.velocity for n in track.notes if n.start != target.start] == [90, 90, 90]
    window.doc.undo_stack.undo()
    assert target in track.notes


def test_velocity_lane_without_selection_edits_any_bar(qtbot, window):
    lane, track = window.editor.velocity_lane, melody(window)
    x = int(window.editor.viewport.tick_to_x(0) + 2)
    qtbot.mouseClick(lane, Qt.LeftButton, Qt.NoModifier, QPoint(x, lane.height() - 20))
    assert track.notes[-1].start == 0 and track.notes[-1].velocity < 40


def test_ctrl_wheel_zooms_and_wheel_scrolls_pitch(qtbot, window):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    canvas, viewport = window.editor.canvas, window.editor.viewport

    def wheel(delta: int, modifiers) -> None:
        event = QWheelEvent(QPointF(100, 100), QPointF(canvas.mapToGlobal(QPoint(100, 100))), QPoint(), QPoint(0, delta),
                            Qt.NoButton, modifiers, Qt.NoScrollPhase, False)
        QApplication.sendEvent(canvas, event)

    zoom, top, left = viewport.pixels_per_tick, viewport.top_y, viewport.left_tick
    wheel(120, Qt.ControlModifier)
    assert viewport.pixels_per_tick > zoom
    wheel(-120, Qt.NoModifier)
    assert viewport.top_y > top
    wheel(-120, Qt.ShiftModifier)
    assert viewport.left_tick > left


def test_ruler_click_moves_playhead_and_drag_sets_loop(qtbot, window):
    ruler, viewport = window.editor.ruler, window.editor.viewport
    qtbot.mouseClick(ruler, Qt.LeftButton, Qt.NoModifier, QPoint(int(viewport.tick_to_x(1920)), 10))
    assert window.playback.playhead == 1920
    drag(qtbot, ruler, QPoint(int(viewport.tick_to_x(960)), 10), QPoint(int(viewport.tick_to_x(3840)), 10))
    assert window.playback.loop_region == (960, 3840)
    assert window.action_collection["transport_loop"].isChecked()


def test_other_tracks_do_not_take_edits(qtbot, window):
    """Clicking where only the (faint) bass note is starts a rubber band, it does not grab the bass."""
    canvas = window.editor.canvas
    bass = window.doc.song.tracks[1]
    qtbot.mouseClick(canvas, Qt.LeftButton, Qt.NoModifier, roll_point(window, 100, 36))
    assert window.doc.selection == frozenset()
    assert bass.notes == [Note(36, 0, 1920, 100)]
