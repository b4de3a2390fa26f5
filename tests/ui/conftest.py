"""A real MainWindow on the offscreen platform, with its own settings file and a small known song."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QPoint, QSettings
from PySide6.QtWidgets import QMessageBox

import cocomposer.ui  # noqa: F401  (installs the PySide6 None-refcount guard before any Qt call in tests)
from cocomposer.core import KeySignature, Note, Song, Track
from cocomposer.ui.document import SongDocument
from cocomposer.ui.main_window import MainWindow


def build_song() -> Song:
    """Two tracks in C major: a four-note melody (quarter notes, bar 1) and a bass note."""
    melody = Track("Melody", program=0, channel=0, color="#e0566b",
                   notes=[Note(60, 0, 480, 90), Note(62, 480, 480, 90), Note(64, 960, 480, 90), Note(65, 1440, 480, 90)])
    bass = Track("Bass", program=33, channel=1, color="#4a90d9", notes=[Note(36, 0, 1920, 100)])
    return Song(tracks=[melody, bass], keys=[KeySignature(0)])


@pytest.fixture
def song() -> Song:
    return build_song()


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, song):
    """The main window showing `song`; closing it never blocks on the unsaved-changes prompt."""
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.Discard)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    main = MainWindow(SongDocument(song), settings=settings)
    main.resize(1300, 820)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    viewport = main.editor.viewport
    viewport.set_left_tick(0)
    viewport.center_on_pitch(60)
    yield main
    main.doc.undo_stack.setClean()


def roll_point(window: MainWindow, tick: float, pitch: int, x_offset: float = 2.0) -> QPoint:
    """Canvas pixel just inside `pitch`'s row, `x_offset` pixels after `tick`."""
    viewport = window.editor.viewport
    return QPoint(int(viewport.tick_to_x(tick) + x_offset), int(viewport.pitch_to_y(pitch) + viewport.row_height / 2))


def melody(window: MainWindow) -> Track:
    return window.doc.song.tracks[0]
