"""Shared by the suggestion tests: a window on an empty melody track or a four-part chorale, the shipped model,
mouse drawing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from cocomposer.ai.model_session import default_model_path
from cocomposer.core import KeySignature, Note, Song, Track, VoiceRole
from cocomposer.io.song_files import save_song
from cocomposer.ui.document import SongDocument
from cocomposer.ui.main_window import MainWindow
from ui_helpers import roll_point

REQUEST_TIMEOUT_MS = 60_000  # the CPU may be shared with a training run
# Eight quarter notes over bars 1-2 in C major: (start tick, pitch).
MELODY = [(0, 72), (480, 71), (960, 69), (1440, 71), (1920, 72), (2400, 74), (2880, 76), (3360, 72)]

requires_model = pytest.mark.skipif(not default_model_path().is_file(),
                                    reason=f"the shipped AI model is not at {default_model_path()}")


def open_window(qtbot, tmp_path, monkeypatch, song: Song) -> MainWindow:
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.Discard)
    window = MainWindow(SongDocument(song), settings=QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat))
    window.resize(1400, 860)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.editor.viewport.set_left_tick(0)
    window.editor.viewport.center_on_pitch(66)
    return window


def empty_melody_song() -> Song:
    return Song(tracks=[Track("Melody", program=73, color="#e0566b")], keys=[KeySignature(0)])


def four_part_song() -> Song:
    """Two bars of a C major chorale in four voice tracks, quarter notes."""
    parts = {VoiceRole.SOPRANO: [72, 71, 69, 71, 72, 74, 76, 72], VoiceRole.ALTO: [67, 67, 65, 67, 67, 65, 67, 67],
             VoiceRole.TENOR: [64, 62, 60, 62, 64, 62, 60, 64], VoiceRole.BASS: [48, 55, 53, 55, 48, 47, 48, 48]}
    colors = ("#e0566b", "#5fb878", "#4a9fe8", "#b46ad9")
    tracks = [Track(role.value.capitalize(), program=52, channel=i, voice=role, color=color,
                    notes=[Note(p, k * 480, 480, 90) for k, p in enumerate(pitches)])
              for i, ((role, pitches), color) in enumerate(zip(parts.items(), colors))]
    return Song(tracks=tracks, keys=[KeySignature(0)])


def draw_melody(qtbot, window: MainWindow, notes=MELODY, length: int = 480) -> None:
    """Draw each note with the pencil: press at its start, drag to its end, release."""
    window.action_collection["tool_draw"].trigger()
    canvas = window.editor.canvas
    for start, pitch in notes:
        begin, end = roll_point(window, start, pitch), roll_point(window, start + length, pitch, x_offset=0)
        qtbot.mousePress(canvas, Qt.LeftButton, Qt.NoModifier, begin)
        QTest.mouseMove(canvas, (begin + end) / 2)
        QTest.mouseMove(canvas, end)
        qtbot.mouseRelease(canvas, Qt.LeftButton, Qt.NoModifier, end)
    window.action_collection["tool_select"].trigger()
    window.action_collection["edit_select_none"].trigger()


def ask(qtbot, window: MainWindow, action: str) -> None:
    """Trigger an AI action and wait for its answer to be on screen."""
    session = window.suggestions.session
    window.suggestions.panel.action_collection[action].trigger()
    qtbot.waitUntil(lambda: not session.busy, timeout=REQUEST_TIMEOUT_MS)
    assert session.proposal is not None, window.suggestions.panel.message_label.text()


def song_bytes(window: MainWindow, path) -> bytes:
    save_song(window.doc.song, path)
    return path.read_bytes()


def ghost_center(window: MainWindow, ghost) -> QPoint:
    rect = window.suggestions.ghosts.note_rect(ghost)
    return rect.center().toPoint()
