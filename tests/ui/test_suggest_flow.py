"""Co-writing with the shipped model: draw a melody, harmonize it, look, cycle, accept, undo, reject."""

from __future__ import annotations

import wave

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from cocomposer.core import VoiceRole
from cocomposer.io.song_files import load_song
from suggest_helpers import (MELODY, REQUEST_TIMEOUT_MS, ask, draw_melody, empty_melody_song, four_part_song,
                             ghost_center, open_window, requires_model, song_bytes)

pytestmark = requires_model


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """A window whose melody was drawn with the mouse."""
    window = open_window(qtbot, tmp_path, monkeypatch, empty_melody_song())
    draw_melody(qtbot, window)
    yield window
    window.doc.undo_stack.setClean()


def test_harmonize_drawn_melody_cycle_accept_and_one_undo(qtbot, window, tmp_path):
    melody = window.doc.song.tracks[0]
    assert sorted((n.start, n.pitch) for n in melody.notes) == MELODY
    session, panel = window.suggestions.session, window.suggestions.panel
    panel.variants_box.setValue(3)
    before = song_bytes(window, tmp_path / "before.ccsong")  # the panel's settings are part of the project
    painted = []
    window.suggestions.ghosts.painted.connect(painted.append)
    ask(qtbot, window, "ai_harmonize")

    proposal = session.proposal
    assert proposal.variant_count == 3
    assert sorted(proposal.targets) == [1, 2, 3]  # alto, tenor, bass: new tracks, the melody is never written
    assert all(proposal.targets[v] not in window.doc.song.tracks for v in (1, 2, 3))
    for ghost in proposal.ghost_notes():
        assert 0 <= ghost.note.start and ghost.note.end <= 3840
    assert all(set(variant.notes) == {1, 2, 3} for variant in proposal.suggestion.variants)
    assert song_bytes(window, tmp_path / "shown.ccsong") == before  # ghosts are not in the document
    qtbot.waitUntil(lambda: bool(painted) and painted[-1] > 0)
    assert "Variant 1 of 3" in panel.variant_list.item(0).text()

    canvas = window.editor.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key_Tab)
    assert session.proposal.variant_index == 1
    qtbot.keyClick(canvas, Qt.Key_Tab, Qt.ShiftModifier)
    assert session.proposal.variant_index == 0
    qtbot.keyClick(canvas, Qt.Key_Tab)
    shown = session.proposal.variant

    undo_index = window.doc.undo_stack.index()
    qtbot.keyClick(canvas, Qt.Key_Return)
    assert session.proposal is None
    assert window.doc.undo_stack.index() == undo_index + 1  # one undo step
    song = window.doc.song
    assert [t.voice for t in song.tracks] == [None, VoiceRole.ALTO, VoiceRole.TENOR, VoiceRole.BASS]
    for voice in (1, 2, 3):
        assert sorted(song.tracks[voice].notes, key=by_start) == sorted(shown.notes[voice], key=by_start)
    assert window.doc.current_track is melody

    window.action_collection["edit_undo"].trigger()
    assert song_bytes(window, tmp_path / "undone.ccsong") == before
    assert session.proposal is not None and session.proposal.variant_index == 1  # the suggestion is back
    window.action_collection["edit_redo"].trigger()
    assert len(window.doc.song.tracks) == 4 and session.proposal is None


def by_start(note):
    return note.start, note.pitch


def test_enter_and_tab_in_a_panel_field_edit_the_field_not_the_suggestion(qtbot, window):
    session, panel = window.suggestions.session, window.suggestions.panel
    panel.variants_box.setValue(2)
    ask(qtbot, window, "ai_harmonize")
    undo_index = window.doc.undo_stack.index()
    low_tenor = panel.range_boxes[2][0]
    qtbot.mouseClick(low_tenor.lineEdit(), Qt.LeftButton)
    assert QApplication.focusWidget() is low_tenor
    low_tenor.lineEdit().selectAll()
    qtbot.keyClicks(low_tenor, "D3")
    qtbot.keyClick(low_tenor, Qt.Key_Return)
    assert low_tenor.value() == 50 and session.settings.generation.voice_ranges[2][0] == 50
    assert session.proposal is not None and window.doc.undo_stack.index() == undo_index  # nothing accepted
    qtbot.keyClick(low_tenor, Qt.Key_Tab)
    assert QApplication.focusWidget() is not low_tenor  # Tab moved on
    assert session.proposal.variant_index == 0  # and did not cycle variants

    window.editor.canvas.setFocus()  # from the roll the keys decide again
    qtbot.keyClick(window.editor.canvas, Qt.Key_Tab)
    assert session.proposal.variant_index == 1
    qtbot.keyClick(window.editor.canvas, Qt.Key_Return)
    assert session.proposal is None and window.doc.undo_stack.index() == undo_index + 1


def test_after_undoing_an_acceptance_the_panel_says_the_suggestion_is_back(qtbot, window):
    message = window.suggestions.panel.message_label
    ask(qtbot, window, "ai_harmonize")
    canvas = window.editor.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key_Return)
    assert message.text().startswith("Accepted")
    qtbot.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier)
    assert window.suggestions.session.proposal is not None
    assert message.text().startswith("Undone; the AI harmony is back: ") and "Enter accepts" in message.text()
    qtbot.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert message.text().startswith("Accepted")


def test_reject_leaves_the_song_byte_for_byte(qtbot, window, tmp_path):
    window.doc.undo_stack.setClean()  # as if just saved
    before = song_bytes(window, tmp_path / "before.ccsong")
    ask(qtbot, window, "ai_harmonize")
    window.editor.canvas.setFocus()
    qtbot.keyClick(window.editor.canvas, Qt.Key_Escape)
    assert window.suggestions.session.proposal is None
    assert not window.suggestions.ghosts.isVisible()
    assert song_bytes(window, tmp_path / "after.ccsong") == before
    assert not window.doc.is_dirty


def test_clicking_a_ghost_note_accepts_only_that_note(qtbot, window, tmp_path):
    session = window.suggestions.session
    ask(qtbot, window, "ai_harmonize")
    ghosts = session.ghost_notes()
    ghost = next(g for g in ghosts if g.voice == 1 and window.suggestions.ghosts.note_rect(g).width() > 6)
    qtbot.mouseClick(window.editor.canvas, Qt.LeftButton, Qt.NoModifier, ghost_center(window, ghost))
    song = window.doc.song
    assert len(song.tracks) == 2 and song.tracks[1] is ghost.track  # only the alto track it needed
    assert song.tracks[1].notes == [ghost.note]
    assert len(session.ghost_notes()) == len(ghosts) - 1  # the rest stay proposed
    window.action_collection["edit_undo"].trigger()
    assert len(window.doc.song.tracks) == 1 and len(session.ghost_notes()) == len(ghosts)


def test_clicking_a_ghost_in_a_rewrite_takes_the_place_of_the_note_under_it(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, tmp_path, monkeypatch, four_part_song())
    session, overlay = window.suggestions.session, window.suggestions.ghosts
    alto = window.doc.song.tracks[1]
    before = list(alto.notes)
    window.playback.set_loop_region(0, 1920)
    ask(qtbot, window, "ai_infill")
    ghost = next(g for g in session.ghost_notes() if g.voice == 1 and overlay.note_rect(g).width() > 6
                 and overlay.ghost_at(QPointF(ghost_center(window, g))) == g)
    undo_index = window.doc.undo_stack.index()
    qtbot.mouseClick(window.editor.canvas, Qt.LeftButton, Qt.NoModifier, ghost_center(window, ghost))
    assert [n for n in alto.notes if n.start < ghost.note.end and ghost.note.start < n.end] == [ghost.note]
    assert window.doc.undo_stack.index() == undo_index + 1  # the note and what it replaces: one step

    qtbot.mouseClick(window.suggestions.panel.voice_buttons[1], Qt.LeftButton)  # then the rest of the alto
    written = session.proposal.suggestion.variants[0].notes[1]
    assert sorted(alto.notes, key=by_start) == sorted([n for n in before if n.start >= 1920] + written, key=by_start)
    window.action_collection["edit_undo"].trigger()
    window.action_collection["edit_undo"].trigger()
    assert sorted(alto.notes, key=by_start) == sorted(before, key=by_start)
    window.doc.undo_stack.setClean()


def test_accept_one_track_from_the_panel(qtbot, window):
    session, panel = window.suggestions.session, window.suggestions.panel
    ask(qtbot, window, "ai_harmonize")
    tenor = session.proposal.variant.notes[2]
    qtbot.mouseClick(panel.voice_buttons[2], Qt.LeftButton)
    song = window.doc.song
    assert [t.name for t in song.tracks] == ["Melody", "Tenor"] and song.tracks[1].notes == tenor
    assert session.proposal.open_voices == [1, 3]
    qtbot.keyClick(window.editor.canvas, Qt.Key_Return)
    assert [t.voice for t in window.doc.song.tracks[1:]] == [VoiceRole.TENOR, VoiceRole.ALTO, VoiceRole.BASS]


def test_audition_plays_the_shown_variant_in_place(qtbot, window):
    session, playback = window.suggestions.session, window.playback
    window.suggestions.panel.variants_box.setValue(2)
    ask(qtbot, window, "ai_harmonize")
    heard = playback.audition_song
    assert heard is not None and len(heard.tracks) == 4
    assert heard.tracks[2].notes == session.proposal.variant.notes[2]
    session.next_variant()
    assert playback.audition_song.tracks[2].notes == session.proposal.suggestion.variants[1].notes[2]
    session.reject()
    assert playback.audition_song is None


def test_export_midi_and_wav_after_accepting(qtbot, window, monkeypatch, tmp_path):
    ask(qtbot, window, "ai_harmonize")
    window.suggestions.panel.action_collection["ai_accept"].trigger()
    midi_path, wav_path = tmp_path / "chorale.mid", tmp_path / "chorale.wav"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(midi_path), ""))
    window.action_collection["file_export_midi"].trigger()
    exported = load_song(midi_path)
    assert len(exported.tracks) == 4
    assert [len(t.notes) > 0 for t in exported.tracks] == [True] * 4
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(wav_path), ""))
    window.action_collection["file_export_wav"].trigger()
    qtbot.waitUntil(lambda: not window.jobs.jobs, timeout=REQUEST_TIMEOUT_MS)
    with wave.open(str(wav_path)) as wav:
        assert wav.getnframes() > wav.getframerate() * 3  # two bars at 120 bpm, plus the release tail


def test_the_ghost_under_the_mouse_says_a_click_takes_it(qtbot, window):
    ask(qtbot, window, "ai_harmonize")
    ghost = next(g for g in window.suggestions.session.ghost_notes() if g.voice == 3)
    QTest.mouseMove(window.editor.canvas, ghost_center(window, ghost))
    assert window.editor.canvas.toolTip().startswith("Click to take this note (bass,")
    window.suggestions.session.reject()
    assert window.editor.canvas.toolTip() == ""


def test_space_plays_the_suggestion_on_a_real_player(qtbot, window, tmp_path):
    """FluidSynth's real-time 'file' driver stands in for a sound card."""
    playback = window.playback
    playback.player_options = {"drivers": ["file"], "driver_settings": {"audio.file.name": str(tmp_path / "live.wav")}}
    playback.unavailable_reason = None  # the window's start-up probe found no sound card
    assert playback.available
    ask(qtbot, window, "ai_harmonize")
    window.editor.canvas.setFocus()
    qtbot.keyClick(window.editor.canvas, Qt.Key_Space)
    assert playback.is_playing and len(playback.audition_song.tracks) == 4
    qtbot.waitUntil(lambda: playback.playhead > 480, timeout=5000)
    window.suggestions.session.next_variant()
    qtbot.keyClick(window.editor.canvas, Qt.Key_Return)  # accepted while playing: playback goes on
    assert playback.is_playing and playback.audition_song is None
    playback.stop()
    playback.close()
