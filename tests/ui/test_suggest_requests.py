"""What the editor asks the AI and when it must not listen: locks, allowed tracks, ranges, cancel, stale
answers, a missing or broken model, and settings saved with the project."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QToolButton

from cocomposer.ai import model_session
from cocomposer.core import Note, Track, VoiceRole
from cocomposer.io.song_files import load_song, save_song
from cocomposer.ui.suggestions.session import AISettings
from suggest_helpers import (REQUEST_TIMEOUT_MS, ask, draw_melody, empty_melody_song, four_part_song, open_window,
                             requires_model)
from ui_helpers import roll_point

AI_ACTIONS = ("ai_harmonize", "ai_continue", "ai_infill")


def save_and_read(window, path) -> bytes:
    save_song(window.doc.song, path)
    return path.read_bytes()


@pytest.fixture
def chorale(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, tmp_path, monkeypatch, four_part_song())
    yield window
    window.doc.undo_stack.setClean()


@requires_model
def test_locked_note_survives_rewrite_and_regenerate(qtbot, chorale):
    window, session, panel = chorale, chorale.suggestions.session, chorale.suggestions.panel
    alto, bass = window.doc.song.tracks[1], window.doc.song.tracks[3]
    bass_before = list(bass.notes)
    window.doc.set_current_track(alto)
    kept = alto.notes[1]
    window.doc.set_selection([kept])
    window.editor.canvas.setFocus()
    qtbot.keyClick(window.editor.canvas, Qt.Key_L, Qt.ControlModifier)  # lock, as one undo step
    locked = kept.moved(locked=True)
    assert locked in alto.notes
    panel.voice_checks[3].setChecked(False)  # the bass is not to be written
    window.playback.set_loop_region(0, 1920)
    window.doc.set_selection(())

    ask(qtbot, window, "ai_infill")
    first_seed = session.proposal.suggestion.seed
    assert sorted(session.proposal.targets) == [0, 1, 2]
    for ghost in session.ghost_notes():
        assert ghost.track is not bass and 0 <= ghost.note.start < 1920
        low, high = session.settings.generation.voice_ranges[ghost.voice]
        assert low <= ghost.note.pitch <= high
    assert locked not in session.proposal.suggestion.replaced[1]

    panel.action_collection["ai_regenerate"].trigger()
    qtbot.waitUntil(lambda: not session.busy, timeout=REQUEST_TIMEOUT_MS)
    assert session.proposal is not None and session.proposal.suggestion.seed != first_seed
    panel.action_collection["ai_accept"].trigger()
    assert locked in alto.notes  # the locked note is still there, unchanged
    assert bass.notes == bass_before
    assert [n for n in alto.notes if n.start >= 1920] == [Note(p, k * 480, 480, 90) for k, p in
                                                          enumerate([67, 67, 65, 67, 67, 65, 67, 67]) if k >= 4]


@requires_model
def test_locked_track_is_not_offered_to_continue(qtbot, chorale):
    window, session = chorale, chorale.suggestions.session
    tenor = window.doc.song.tracks[2]
    qtbot.mouseClick(window.track_panel.row_for(tenor).lock_button, Qt.LeftButton)  # the track panel's lock
    assert tenor.locked
    window.suggestions.panel.bars_box.setValue(2)
    ask(qtbot, window, "ai_continue")  # from the end of the song (the playhead is at the start)
    proposal = session.proposal
    assert sorted(proposal.targets) == [0, 1, 3]
    assert (proposal.suggestion.start_tick, proposal.suggestion.end_tick) == (3840, 3840 + 2 * 1920)
    assert all(3840 <= g.note.start < 7680 for g in session.ghost_notes())


@requires_model
def test_harmonize_reuses_an_existing_alto_track(qtbot, tmp_path, monkeypatch):
    song = empty_melody_song()
    song.tracks.append(Track("Viola", program=41, channel=1, voice=VoiceRole.ALTO))
    window = open_window(qtbot, tmp_path, monkeypatch, song)
    draw_melody(qtbot, window)
    ask(qtbot, window, "ai_harmonize")
    targets = window.suggestions.session.proposal.targets
    assert targets[1] is window.doc.song.tracks[1]
    window.suggestions.panel.action_collection["ai_accept"].trigger()
    assert [t.name for t in window.doc.song.tracks] == ["Melody", "Viola", "Tenor", "Bass"]
    assert {t.program for t in window.doc.song.tracks[2:]} == {42, 43}  # cello, contrabass
    window.doc.undo_stack.setClean()


@requires_model
def test_cancel_mid_run_shows_nothing_and_the_window_keeps_running(qtbot, chorale, tmp_path):
    window, session, panel = chorale, chorale.suggestions.session, chorale.suggestions.panel
    panel.variants_box.setValue(8)
    panel.bars_box.setValue(16)
    before = save_and_read(window, tmp_path / "before.ccsong")
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    with qtbot.waitSignal(session.progress, timeout=REQUEST_TIMEOUT_MS):
        panel.action_collection["ai_continue"].trigger()
        assert session.busy and panel.progress_row.isVisible()
    timer.stop()
    assert ticks  # the UI thread kept running while the model worked
    qtbot.mouseClick(panel.cancel_button, Qt.LeftButton)
    assert not session.busy and not panel.progress_row.isVisible()
    assert QThreadPool.globalInstance().waitForDone(REQUEST_TIMEOUT_MS)
    qtbot.wait(50)
    assert session.proposal is None and panel.message_label.text() == "Cancelled"
    assert save_and_read(window, tmp_path / "after.ccsong") == before


@requires_model
def test_an_answer_for_a_song_edited_meanwhile_is_set_aside(qtbot, chorale):
    window, session = chorale, chorale.suggestions.session
    window.suggestions.panel.action_collection["ai_continue"].trigger()
    window.doc.set_selection([window.doc.song.tracks[0].notes[0]])
    window.action_collection["edit_delete"].trigger()  # an edit while the AI writes
    qtbot.waitUntil(lambda: not session.busy, timeout=REQUEST_TIMEOUT_MS)
    assert session.proposal is None
    assert "changed" in window.suggestions.panel.message_label.text()
    assert len(window.doc.song.tracks) == 4 and len(window.doc.song.tracks[0].notes) == 7


def test_missing_model_disables_the_ai_but_not_editing(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(model_session, "default_model_path", lambda: tmp_path / "gone.onnx")
    window = open_window(qtbot, tmp_path, monkeypatch, empty_melody_song())
    panel = window.suggestions.panel
    assert all(not panel.action_collection[name].isEnabled() for name in AI_ACTIONS)
    assert "missing" in panel.model_label.text() and "gone.onnx" in panel.model_label.text()
    assert panel.look_again_button.isVisible()
    draw_melody(qtbot, window)
    assert len(window.doc.song.tracks[0].notes) == 8  # editing goes on
    play = window.action_collection["transport_play"]
    assert play.isEnabled() or window.playback.unavailable_reason is not None  # only a missing player stops Play
    window.doc.undo_stack.setClean()


def test_broken_model_file_disables_the_ai_with_a_reason(qtbot, tmp_path, monkeypatch):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"this is not an ONNX model")
    monkeypatch.setattr(model_session, "default_model_path", lambda: broken)
    window = open_window(qtbot, tmp_path, monkeypatch, empty_melody_song())
    session, panel = window.suggestions.session, window.suggestions.panel
    qtbot.waitUntil(lambda: not panel.action_collection["ai_harmonize"].isEnabled(), timeout=REQUEST_TIMEOUT_MS)
    assert all(not panel.action_collection[name].isEnabled() for name in AI_ACTIONS)
    assert "not a usable ONNX model" in panel.model_label.text()


def test_settings_are_saved_with_the_project(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, tmp_path, monkeypatch, empty_melody_song())
    panel = window.suggestions.panel
    panel.creativity_slider.setValue(135)
    panel.variants_box.setValue(5)
    panel.bars_box.setValue(6)
    panel.key_box.setCurrentIndex(panel.key_box.findData("D minor"))
    panel.voice_checks[3].setChecked(False)
    assert panel.voice_rules_check.isChecked()
    qtbot.mouseClick(panel.voice_rules_check, Qt.LeftButton)
    panel.range_boxes[2][0].lineEdit().setText("D3")
    panel.range_boxes[2][0].interpretText()
    settings = window.doc.song.ai_settings
    assert settings["temperature"] == 1.35 and settings["variants"] == 5 and settings["key"] == "D minor"
    assert settings["voice_ranges"]["2"][0] == 50 and "seed" not in settings and settings["voice_rules"] is False
    path = tmp_path / "steered.ccsong"
    save_song(window.doc.song, path)
    window.doc.undo_stack.setClean()

    reopened = open_window(qtbot, tmp_path, monkeypatch, load_song(path))
    panel = reopened.suggestions.panel
    assert panel.creativity_slider.value() == 135 and panel.variants_box.value() == 5
    assert panel.bars_box.value() == 6 and panel.key_box.currentData() == "D minor"
    assert [c.isChecked() for c in panel.voice_checks] == [True, True, True, False]
    assert panel.range_boxes[2][0].text() == "D3" and not panel.voice_rules_check.isChecked()
    assert reopened.suggestions.session.settings.generation.voice_ranges[2] == (50, 69)


def test_changing_ai_settings_makes_the_song_unsaved_without_an_undo_step(qtbot, tmp_path, monkeypatch):
    song = empty_melody_song()
    song.ai_settings = AISettings().to_dict()  # as a saved project holds them
    window = open_window(qtbot, tmp_path, monkeypatch, song)
    doc, box = window.doc, window.suggestions.panel.variants_box
    assert not doc.is_dirty
    qtbot.mouseClick(box.lineEdit(), Qt.LeftButton)
    qtbot.keyClick(box, Qt.Key_Up)
    assert doc.is_dirty and window.windowTitle().startswith("Untitled*")
    assert doc.undo_stack.count() == 0  # Undo stays with the music
    qtbot.keyClick(box, Qt.Key_Down)  # back to the saved settings
    assert not doc.is_dirty and not window.windowTitle().startswith("Untitled*")
    qtbot.keyClick(box, Qt.Key_Up)

    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: asked.append(args) or QMessageBox.Cancel)
    window.close()
    assert asked and window.isVisible()  # closing asks before the settings are lost
    path = tmp_path / "steered.ccsong"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.editor.canvas.setFocus()
    qtbot.keyClick(window.editor.canvas, Qt.Key_S, Qt.ControlModifier)
    assert not doc.is_dirty and window.windowTitle().startswith("steered.ccsong ")
    assert load_song(path).ai_settings["variants"] == box.value()


@requires_model
def test_harmonize_leaves_a_locked_alto_track_alone(qtbot, tmp_path, monkeypatch):
    song = empty_melody_song()
    song.tracks.append(Track("Viola", program=41, channel=1, voice=VoiceRole.ALTO, locked=True,
                             notes=[Note(64, 0, 1920, 80)]))
    window = open_window(qtbot, tmp_path, monkeypatch, song)
    draw_melody(qtbot, window)
    ask(qtbot, window, "ai_harmonize")
    assert sorted(window.suggestions.session.proposal.targets) == [2, 3]
    window.suggestions.panel.action_collection["ai_accept"].trigger()
    assert window.doc.song.tracks[1].notes == [Note(64, 0, 1920, 80)]
    window.doc.undo_stack.setClean()


@requires_model
def test_continue_starts_after_the_selection_else_at_the_playhead(qtbot, chorale):
    window, session, panel = chorale, chorale.suggestions.session, chorale.suggestions.panel
    panel.bars_box.setValue(1)
    soprano = window.doc.song.tracks[0]
    window.doc.set_current_track(soprano)
    window.doc.set_selection(soprano.notes[:2])  # bar 1, beats 1-2
    ask(qtbot, window, "ai_continue")
    assert (session.proposal.suggestion.start_tick, session.proposal.suggestion.end_tick) == (960, 960 + 1920)
    session.reject()
    window.doc.set_selection(())
    window.playback.set_playhead(1920)
    ask(qtbot, window, "ai_continue")
    assert session.proposal.suggestion.start_tick == 1920
    assert all(1920 <= g.note.start < 3840 for g in session.ghost_notes())


@requires_model
def test_confidence_heat_map_toggle(qtbot, chorale):
    window, ghosts = chorale, chorale.suggestions.ghosts
    window.playback.set_loop_region(0, 1920)
    ask(qtbot, window, "ai_infill")
    painted = []
    ghosts.painted.connect(painted.append)
    check = window.suggestions.panel.confidence_check
    qtbot.mouseClick(check, Qt.LeftButton, pos=QPoint(8, check.height() // 2))  # on the box
    assert ghosts.show_confidence and window.suggestions.panel.action_collection["ai_confidence"].isChecked()
    qtbot.waitUntil(lambda: bool(painted) and painted[-1] > 0)


@requires_model
def test_rewrite_of_selected_notes_writes_only_their_track(qtbot, chorale):
    window, session = chorale, chorale.suggestions.session
    alto = window.doc.song.tracks[1]
    window.doc.set_current_track(alto)
    canvas = window.editor.canvas
    qtbot.mouseClick(canvas, Qt.LeftButton, Qt.NoModifier, roll_point(window, 0, 67))
    qtbot.mouseClick(canvas, Qt.LeftButton, Qt.ShiftModifier, roll_point(window, 480, 67))
    assert window.doc.selection == {alto.notes[0], alto.notes[1]}
    qtbot.keyClick(canvas, Qt.Key_R, Qt.ControlModifier | Qt.ShiftModifier)  # Rewrite; the soprano is ticked too
    qtbot.waitUntil(lambda: not session.busy, timeout=REQUEST_TIMEOUT_MS)
    proposal = session.proposal
    assert proposal is not None and sorted(proposal.targets) == [1]
    assert all(g.voice == 1 and 0 <= g.note.start < 960 for g in session.ghost_notes())
    session.reject()

    window.suggestions.panel.voice_checks[1].setChecked(False)
    qtbot.keyClick(canvas, Qt.Key_R, Qt.ControlModifier | Qt.ShiftModifier)
    assert not session.busy and session.proposal is None
    assert "may not write Alto" in window.suggestions.panel.message_label.text()


@requires_model
def test_regenerate_asks_with_the_settings_of_the_request_it_repeats(qtbot, chorale):
    window, session, panel = chorale, chorale.suggestions.session, chorale.suggestions.panel
    panel.variants_box.setValue(2)
    panel.creativity_slider.setValue(50)
    window.playback.set_loop_region(0, 1920)
    ask(qtbot, window, "ai_infill")
    first_seed = session.proposal.suggestion.seed
    panel.variants_box.setValue(1)  # settings for the next request
    panel.creativity_slider.setValue(150)
    regenerate = next(b for b in panel.findChildren(QToolButton)
                      if b.defaultAction() is panel.action_collection["ai_regenerate"])
    qtbot.mouseClick(regenerate, Qt.LeftButton)
    qtbot.waitUntil(lambda: not session.busy, timeout=REQUEST_TIMEOUT_MS)
    suggestion = session.proposal.suggestion
    assert suggestion.seed != first_seed
    assert len(suggestion.variants) == 2 and suggestion.settings["temperature"] == 0.5
    ask(qtbot, window, "ai_infill")  # asking anew takes the panel's settings
    assert len(session.proposal.suggestion.variants) == 1
    assert session.proposal.suggestion.settings["temperature"] == 1.5
