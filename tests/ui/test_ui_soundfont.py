"""Choosing the SoundFont in the editor: validated, remembered, and heard in live playback and WAV export."""

from __future__ import annotations

from pathlib import Path

import pretty_midi
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from cocomposer.audio.render import render_to_wav
from cocomposer.paths import default_soundfont_path
from cocomposer.ui.document import SongDocument
from cocomposer.ui.main_window import SOUNDFONT_KEY, MainWindow

OTHER_SOUNDFONT = Path(pretty_midi.__file__).parent / "TimGM6mb.sf2"  # a real GM SoundFont pretty_midi ships


def choose(window, monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))
    window.action_collection["file_choose_soundfont"].trigger()


def file_menu_actions(window) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    return [a.objectName() for a in menu.actions()]


def test_chosen_soundfont_is_named_remembered_and_used_by_wav_export(qtbot, window, monkeypatch, tmp_path):
    assert "file_choose_soundfont" in file_menu_actions(window)
    assert window.soundfont_label.text() == f"SoundFont: {default_soundfont_path().name}"
    choose(window, monkeypatch, OTHER_SOUNDFONT)
    assert window.soundfont_label.text() == "SoundFont: TimGM6mb.sf2"
    assert window.settings.value(SOUNDFONT_KEY) == str(OTHER_SOUNDFONT)

    exported = tmp_path / "export.wav"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(exported), ""))
    window.action_collection["file_export_wav"].trigger()
    qtbot.waitUntil(lambda: not window.jobs.jobs, timeout=60_000)
    with_other, with_bundled = tmp_path / "other.wav", tmp_path / "bundled.wav"
    render_to_wav(window.doc.song, with_other, OTHER_SOUNDFONT)
    render_to_wav(window.doc.song, with_bundled)
    assert exported.read_bytes() == with_other.read_bytes() != with_bundled.read_bytes()

    reopened = MainWindow(SongDocument(), settings=QSettings(window.settings.fileName(), QSettings.IniFormat))
    qtbot.addWidget(reopened)
    assert reopened.soundfont_label.text() == "SoundFont: TimGM6mb.sf2"


def test_a_file_that_is_not_a_soundfont_is_refused_and_the_old_one_kept(qtbot, window, monkeypatch, tmp_path):
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warned.append(text))
    fake = tmp_path / "fake.sf2"
    fake.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt ")
    choose(window, monkeypatch, fake)
    assert len(warned) == 1 and "not a SoundFont" in warned[0] and "fake.sf2" in warned[0]
    assert f"Still using {default_soundfont_path().name}" in warned[0]
    truncated = tmp_path / "truncated.sf2"
    truncated.write_bytes(OTHER_SOUNDFONT.read_bytes()[:4096])  # a real header, the rest missing
    choose(window, monkeypatch, truncated)
    assert len(warned) == 2 and "truncated.sf2" in warned[1]
    assert window.chosen_soundfont is None and window.settings.value(SOUNDFONT_KEY) is None
    assert window.soundfont_label.text() == f"SoundFont: {default_soundfont_path().name}"


def test_a_stored_soundfont_that_went_missing_falls_back_to_the_bundled_one(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    settings.setValue(SOUNDFONT_KEY, str(tmp_path / "gone.sf2"))
    window = MainWindow(SongDocument(), settings=settings)
    qtbot.addWidget(window)
    assert window.chosen_soundfont is None
    assert "gone.sf2" in window.statusBar().currentMessage()


def test_live_playback_switches_to_the_chosen_soundfont(qtbot, window, monkeypatch, tmp_path):
    """FluidSynth's real-time 'file' driver stands in for a sound card."""
    playback = window.playback
    playback.player_options.update(drivers=["file"], driver_settings={"audio.file.name": str(tmp_path / "live.wav")})
    playback.unavailable_reason = None  # the window's start-up probe found no sound card
    assert playback.available
    playback.play()
    qtbot.waitUntil(lambda: playback.playhead > 240, timeout=5000)
    choose(window, monkeypatch, OTHER_SOUNDFONT)
    assert playback.is_playing and playback._player.soundfont_path == OTHER_SOUNDFONT
    qtbot.waitUntil(lambda: playback.playhead > 600, timeout=5000)
    playback.stop()
    playback.close()


def test_playback_that_failed_on_its_soundfont_works_once_another_is_chosen(qtbot, tmp_path):
    from cocomposer.ui.playback import PlaybackController

    broken = tmp_path / "broken.sf2"
    broken.write_bytes(b"not a soundfont")
    playback = PlaybackController(SongDocument(), {"soundfont": str(broken), "drivers": ["file"],
                                                   "driver_settings": {"audio.file.name": str(tmp_path / "live.wav")}})
    reasons = []
    playback.unavailable.connect(reasons.append)
    assert not playback.available and "broken.sf2" in reasons[0]
    playback.set_soundfont(str(OTHER_SOUNDFONT))
    assert playback.available and playback.unavailable_reason is None
    playback.close()


def test_play_is_disabled_while_the_soundfont_fails_and_works_once_another_is_chosen(qtbot, monkeypatch, tmp_path):
    from PySide6.QtCore import Qt

    from ui_helpers import build_song

    broken = tmp_path / "broken.sf2"
    broken.write_bytes(b"not a soundfont")
    window = MainWindow(SongDocument(build_song()), settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(window)
    window.playback.player_options.update(soundfont=str(broken), drivers=["file"],  # before the start-up probe
                                          driver_settings={"audio.file.name": str(tmp_path / "live.wav")})
    window.show()
    play = window.action_collection["transport_play"]
    qtbot.waitUntil(lambda: not play.isEnabled())
    assert "broken.sf2" in play.toolTip()
    choose(window, monkeypatch, OTHER_SOUNDFONT)
    assert play.isEnabled() and play.toolTip() == "Play or pause (Space)"
    window.editor.canvas.setFocus()
    qtbot.keyClick(window.editor.canvas, Qt.Key_Space)
    assert window.playback.is_playing
    window.playback.stop()
    window.playback.close()
    window.doc.undo_stack.setClean()
