"""The main window's files, tracks, transport and dirty state, driven through its actions and widgets."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QPushButton, QToolButton

from cocomposer.audio.render import render_to_array
from cocomposer.core import Note, Song, VoiceRole
from cocomposer.io.song_files import load_song
from ui_helpers import melody, roll_point


def save_dialog_returns(monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))


def open_dialog_returns(monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))


def same_song(a: Song, b: Song) -> bool:
    return (a.ppq == b.ppq and [t.name for t in a.tracks] == [t.name for t in b.tracks]
            and all(sorted(x.notes, key=lambda n: (n.start, n.pitch)) == sorted(y.notes, key=lambda n: (n.start, n.pitch))
                    for x, y in zip(a.tracks, b.tracks))
            and [(t.tick, t.bpm) for t in a.tempos] == [(t.tick, t.bpm) for t in b.tempos]
            and a.keys == b.keys)


def test_title_shows_name_and_unsaved_marker(qtbot, window, monkeypatch, tmp_path):
    assert window.windowTitle().startswith("Untitled —")
    window.doc.set_selection([melody(window).notes[0]])
    window.action_collection["edit_delete"].trigger()
    assert window.windowTitle().startswith("Untitled* —")
    save_dialog_returns(monkeypatch, tmp_path / "tune.ccsong")
    window.action_collection["file_save"].trigger()
    assert window.windowTitle().startswith("tune.ccsong —")
    window.action_collection["edit_undo"].trigger()
    assert window.windowTitle().startswith("tune.ccsong* —")
    window.action_collection["edit_redo"].trigger()
    assert not window.doc.is_dirty


def test_save_and_reopen_gives_the_same_song(qtbot, window, monkeypatch, tmp_path):
    window.action_collection["tool_draw"].trigger()
    qtbot.mouseClick(window.editor.canvas, Qt.LeftButton, Qt.NoModifier, roll_point(window, 1920, 72))
    window.transport_fields.tempo_box.setValue(96.0)
    path = tmp_path / "song.ccsong"
    save_dialog_returns(monkeypatch, tmp_path / "song")  # the suffix is added
    window.action_collection["file_save_as"].trigger()
    assert path.exists() and not window.doc.is_dirty
    edited = window.doc.song
    window.action_collection["file_new"].trigger()
    assert window.doc.song is not edited
    open_dialog_returns(monkeypatch, path)
    window.action_collection["file_open"].trigger()
    assert same_song(window.doc.song, edited)
    assert window.doc.song.tempos[0].bpm == 96.0
    assert str(path.resolve()) == window.recent_files()[0]


def test_export_midi_from_menu(qtbot, window, monkeypatch, tmp_path):
    path = tmp_path / "out.mid"
    save_dialog_returns(monkeypatch, path)
    window.action_collection["file_export_midi"].trigger()
    exported = load_song(path)
    assert sorted(n.pitch for n in exported.tracks[0].notes) == [60, 62, 64, 65]
    assert window.doc.path is None  # exporting does not change what the document is saved as


def test_export_wav_runs_on_a_worker_and_writes_audio(qtbot, window, monkeypatch, tmp_path):
    path = tmp_path / "out.wav"
    save_dialog_returns(monkeypatch, path)
    window.action_collection["file_export_wav"].trigger()
    qtbot.waitUntil(lambda: not window.jobs.jobs, timeout=60_000)
    with wave.open(str(path)) as wav:
        assert wav.getnchannels() == 2 and wav.getnframes() > 44100
        frames = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
    assert np.abs(frames).max() > 1000
    assert "Exported out.wav" in window.statusBar().currentMessage()


def test_cancelled_wav_export_leaves_no_file(qtbot, window, monkeypatch, tmp_path):
    path = tmp_path / "cancelled.wav"
    save_dialog_returns(monkeypatch, path)
    window.doc.song.tracks[0].notes.extend(Note(60 + i % 12, i * 480, 480) for i in range(4, 400))
    window.action_collection["file_export_wav"].trigger()
    window.findChild(QProgressDialog).findChild(QPushButton).click()  # the dialog's Cancel button
    qtbot.waitUntil(lambda: not window.jobs.jobs, timeout=60_000)
    assert not path.exists()
    assert "cancelled" in window.statusBar().currentMessage()


def test_unsaved_changes_prompt_on_close(qtbot, window, monkeypatch):
    window.doc.set_selection([melody(window).notes[0]])
    window.action_collection["edit_delete"].trigger()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: asked.append(args) or QMessageBox.Cancel)
    assert not window.close()
    assert asked and window.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.Discard)
    assert window.close()


def test_unsaved_changes_prompt_on_open_can_save_first(qtbot, window, monkeypatch, tmp_path):
    window.doc.set_selection([melody(window).notes[0]])
    window.action_collection["edit_delete"].trigger()
    other = tmp_path / "other.mid"
    from cocomposer.io.song_files import save_song
    save_song(Song(tracks=[window.doc.song.tracks[1].copy()]), other)
    saved = tmp_path / "first.ccsong"
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.Save)
    save_dialog_returns(monkeypatch, saved)
    open_dialog_returns(monkeypatch, other)
    window.action_collection["file_open"].trigger()
    assert [n.pitch for n in load_song(saved).tracks[0].notes] == [62, 64, 65]
    assert window.doc.path == other and window.doc.song.note_count == 1


def test_corrupt_file_shows_message_and_keeps_the_song(qtbot, window, monkeypatch, tmp_path):
    broken = tmp_path / "broken.mid"
    broken.write_bytes(b"MThd\x00\x00\x00\x06garbage")
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append((title, text)))
    before = window.doc.song
    assert not window.open_path(broken)
    assert shown and "broken.mid" in shown[0][1]
    assert window.doc.song is before and len(melody(window).notes) == 4


def test_import_midi_adds_tracks_as_one_step(qtbot, window, monkeypatch, tmp_path):
    source = tmp_path / "import.mid"
    from cocomposer.io.song_files import save_song
    save_song(Song(ppq=96, tracks=[window.doc.song.tracks[0].copy([Note(70, 96, 96)])]), source)
    open_dialog_returns(monkeypatch, source)
    window.action_collection["file_import_midi"].trigger()
    tracks = window.doc.song.tracks
    assert len(tracks) == 3 and tracks[2].notes == [Note(70, 480, 480, 96)]  # rescaled to the song's 480 PPQ
    window.action_collection["edit_undo"].trigger()
    assert len(window.doc.song.tracks) == 2


def test_track_panel_add_rename_reorder_remove_with_undo(qtbot, window):
    doc, panel = window.doc, window.track_panel
    window.action_collection["track_add"].trigger()
    assert len(doc.song.tracks) == 3 and doc.current_track is doc.song.tracks[1]
    new_row = panel.row_for(doc.current_track)
    new_row.name_edit.setText("Strings")
    new_row.name_edit.editingFinished.emit()
    assert doc.current_track.name == "Strings"
    window.action_collection["track_up"].trigger()
    assert [t.name for t in doc.song.tracks] == ["Strings", "Melody", "Bass"]
    window.action_collection["track_remove"].trigger()
    assert [t.name for t in doc.song.tracks] == ["Melody", "Bass"]
    for expected in (["Strings", "Melody", "Bass"], ["Melody", "Strings", "Bass"], ["Melody", "Track 3", "Bass"],
                     ["Melody", "Bass"]):
        doc.undo_stack.undo()
        assert [t.name for t in doc.song.tracks] == expected


def test_track_row_sets_instrument_voice_lock_and_volume(qtbot, window):
    doc = window.doc
    bass = doc.song.tracks[1]
    row = window.track_panel.row_for(bass)
    row.instrument_box.setCurrentIndex(0)
    assert bass.is_drum and bass.channel == 9
    row.instrument_box.setCurrentIndex(41)  # 041 Violin
    assert not bass.is_drum and bass.program == 40 and bass.channel != 9
    row.voice_box.setCurrentIndex(4)
    assert bass.voice is VoiceRole.BASS
    qtbot.mouseClick(row.lock_button, Qt.LeftButton)
    assert bass.locked
    row.volume_slider.setValue(70)
    assert bass.volume == 70
    steps = doc.undo_stack.count()
    doc.undo_stack.undo()
    assert bass.volume == 100 and doc.undo_stack.count() == steps


def test_clicking_a_track_row_makes_it_the_edited_track(qtbot, window):
    melody_track, bass = window.doc.song.tracks
    qtbot.mouseClick(window.track_panel.row_for(bass), Qt.LeftButton)
    assert window.doc.current_track is bass
    qtbot.mouseClick(window.track_panel.row_for(melody_track).name_edit, Qt.LeftButton)
    assert window.doc.current_track is melody_track


def rms(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(audio)))) if len(audio) else 0.0


def test_mute_and_solo_buttons_change_the_rendered_audio(qtbot, window):
    doc = window.doc
    melody_track, bass = doc.song.tracks
    melody_row, bass_row = (window.track_panel.row_for(t) for t in doc.song.tracks)
    both = render_to_array(doc.song, effects=False)
    qtbot.mouseClick(melody_row.mute_button, Qt.LeftButton)
    qtbot.mouseClick(bass_row.mute_button, Qt.LeftButton)
    assert melody_track.muted and bass.muted
    assert rms(render_to_array(doc.song, effects=False)) < 1e-4
    qtbot.mouseClick(bass_row.mute_button, Qt.LeftButton)
    qtbot.mouseClick(melody_row.mute_button, Qt.LeftButton)
    qtbot.mouseClick(bass_row.solo_button, Qt.LeftButton)
    soloed = render_to_array(doc.song, effects=False)
    bass_alone = render_to_array(Song(tracks=[bass.copy()]), effects=False)
    frames = min(len(soloed), len(bass_alone))
    assert np.allclose(soloed[:frames], bass_alone[:frames], atol=1e-4)
    assert rms(both) > rms(soloed) > 1e-3


def test_tempo_meter_and_key_are_undoable(qtbot, window):
    fields, song, stack = window.transport_fields, window.doc.song, window.doc.undo_stack
    fields.tempo_box.setValue(90.0)
    fields.numerator_box.setValue(3)
    fields.key_box.setCurrentText("D minor")
    assert song.tempos[0].bpm == 90.0 and song.time_signatures[0].numerator == 3
    assert song.key_at(0).name == "D minor"
    stack.undo()
    stack.undo()
    stack.undo()
    assert song.tempos[0].bpm == 120.0 and song.time_signatures[0].numerator == 4 and song.key_at(0).name == "C major"
    assert fields.tempo_box.value() == 120.0


def test_without_audio_device_editing_continues_and_status_says_why(qtbot, window):
    if window.playback.available:
        pytest.skip("an audio device is present here")
    play = window.action_collection["transport_play"]
    qtbot.waitUntil(lambda: not play.isEnabled())
    assert "Playback unavailable" in window.playback.unavailable_reason
    assert "Playback unavailable" in window.statusBar().currentMessage()
    button = next(b for b in window.findChildren(QToolButton) if b.defaultAction() is play)
    assert not button.isEnabled() and "Playback unavailable" in button.toolTip()
    window.editor.canvas.setFocus()
    qtbot.keyClick(window.editor.canvas, Qt.Key_Space)
    assert not window.playback.is_playing
    qtbot.mouseClick(window.editor.canvas, Qt.LeftButton, Qt.NoModifier, roll_point(window, 1920, 72))
    window.action_collection["edit_undo"].trigger()  # editing goes on


def test_stop_returns_to_start(qtbot, window):
    window.playback.set_playhead(960)
    window.action_collection["transport_stop"].trigger()
    assert window.playback.playhead == 0


def test_layout_and_recent_files_persist(qtbot, window, tmp_path):
    from PySide6.QtCore import QSettings
    from cocomposer.ui.document import SongDocument
    from cocomposer.ui.main_window import MainWindow

    window.settings.setValue("files/recent", [str(tmp_path / "a.ccsong")])
    window.close()
    reopened = MainWindow(SongDocument(), settings=QSettings(window.settings.fileName(), QSettings.IniFormat))
    qtbot.addWidget(reopened)
    assert reopened.settings.value("window/state") is not None
    assert reopened.recent_files() == [str(tmp_path / "a.ccsong")]


def test_lock_marks_notes_and_colour_dialog_sets_track_colour(qtbot, window, monkeypatch):
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QColorDialog

    track = melody(window)
    window.doc.set_selection(track.notes[:2])
    window.action_collection["edit_lock"].trigger()
    assert [n.locked for n in track.notes].count(True) == 2
    window.editor.canvas.grab()  # paints the lock marks
    monkeypatch.setattr(QColorDialog, "getColor", lambda *args, **kwargs: QColor("#123456"))
    qtbot.mouseClick(window.track_panel.row_for(track).color_button, Qt.LeftButton)
    assert track.color == "#123456"
    window.doc.undo_stack.undo()
    assert track.color == "#e0566b"


def test_recent_files_menu_reopens_a_song(qtbot, window, monkeypatch, tmp_path):
    path = tmp_path / "recent.ccsong"
    save_dialog_returns(monkeypatch, path)
    window.action_collection["file_save_as"].trigger()
    window.action_collection["file_new"].trigger()
    window.recent_menu.aboutToShow.emit()
    entries = [a for a in window.recent_menu.actions() if a.text() == "recent.ccsong"]
    assert len(entries) == 1
    entries[0].trigger()
    assert window.doc.path == path.resolve() or window.doc.path == path
    assert len(window.doc.song.tracks) == 2


def test_ctrl_s_on_the_bundled_demo_asks_for_a_new_file(qtbot, window, monkeypatch, tmp_path):
    from cocomposer.paths import RESOURCES_DIR, demo_song_path

    demo = demo_song_path()
    original = demo.read_bytes()
    assert window.open_path(demo, ask_to_save=False)
    assert window.windowTitle().startswith("demo.ccsong —")
    window.action_collection["tool_draw"].trigger()
    qtbot.mouseClick(window.editor.canvas, Qt.LeftButton, Qt.NoModifier, roll_point(window, 0, 84))
    assert window.doc.is_dirty
    offered = []
    chosen = tmp_path / "my ode.ccsong"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, caption, suggested, *args, **kwargs: offered.append(suggested) or (str(chosen), ""))
    qtbot.keyClick(window.editor.canvas, Qt.Key_S, Qt.ControlModifier)
    assert len(offered) == 1 and not Path(offered[0]).resolve().is_relative_to(RESOURCES_DIR.resolve())
    assert Path(offered[0]).name == "demo.ccsong"
    assert demo.read_bytes() == original
    assert chosen.exists() and any(n.pitch == 84 for n in load_song(chosen).tracks[0].notes)
    assert window.doc.path == chosen and window.windowTitle().startswith("my ode.ccsong —")


def test_save_as_refuses_a_bundled_path(qtbot, window, monkeypatch):
    from cocomposer.paths import demo_song_path

    demo = demo_song_path()
    original = demo.read_bytes()
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warned.append(text))
    save_dialog_returns(monkeypatch, demo)
    window.action_collection["file_save_as"].trigger()
    assert demo.read_bytes() == original
    assert warned and "bundled" in warned[0] and window.doc.path is None
