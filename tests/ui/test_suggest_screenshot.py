"""A picture of the editor, in the app's dark theme, with a four-part harmonization of the demo tune
proposed as ghost notes beside the AI panel."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from cocomposer.io.song_files import load_song
from cocomposer.paths import demo_song_path
from cocomposer.ui import theme
from suggest_helpers import ask, open_window, requires_model

SCREENSHOT = "/tmp/cocomposer_suggest.png"


@pytest.fixture
def dark_theme(qapp):
    """The look the app starts with; the test application's own look comes back afterwards."""
    palette, style_sheet, style = qapp.palette(), qapp.styleSheet(), qapp.style().name()
    theme.apply_dark_theme(qapp)
    yield
    qapp.setStyleSheet(style_sheet)
    qapp.setPalette(palette)
    QApplication.setStyle(style)


@requires_model
def test_screenshot_of_ghost_notes_and_the_ai_panel(qtbot, tmp_path, monkeypatch, dark_theme):
    window = open_window(qtbot, tmp_path, monkeypatch, load_song(demo_song_path()))
    window.suggestions.panel.variants_box.setValue(4)
    ask(qtbot, window, "ai_harmonize")
    window.suggestions.session.next_variant()
    window.editor.zoom_to_song()
    window.editor.viewport.zoom_time(0.97)
    window.editor.viewport.center_on_pitch(58)
    qtbot.wait(50)
    assert window.grab().save(SCREENSHOT)
    image = QImage(SCREENSHOT)
    assert image.width() >= 1400 and window.suggestions.dock.isVisible()
    window.doc.undo_stack.setClean()
