"""A real MainWindow on the offscreen platform, with its own settings file and a small known song."""

from __future__ import annotations

import os
import random

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

import cocomposer.ui  # noqa: F401  (installs the PySide6 None-refcount guard before any Qt call in tests)
from cocomposer.core import Song
from cocomposer.ui import theme
from cocomposer.ui.document import SongDocument
from cocomposer.ui.main_window import MainWindow
from ui_helpers import build_song


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


@pytest.fixture
def dark_theme(qapp):
    """The look the app starts with (for screenshots); the test application's own look comes back afterwards."""
    palette, style_sheet, style = qapp.palette(), qapp.styleSheet(), qapp.style().name()
    theme.apply_dark_theme(qapp)
    yield
    qapp.setStyleSheet(style_sheet)
    qapp.setPalette(palette)
    QApplication.setStyle(style)


@pytest.fixture(autouse=True)
def repeatable_ai_seeds():
    """The editor throws a fresh seed for every AI request; seeding its dice makes each test see the
    same answers from the shipped model on every run."""
    state = random.getstate()
    random.seed(20261125)
    yield
    random.setstate(state)
