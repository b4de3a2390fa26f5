"""A picture of the editor, in the app's dark theme, with a four-part harmonization of the demo tune
proposed as ghost notes beside the AI panel."""

from __future__ import annotations

from PySide6.QtGui import QImage

from cocomposer.io.song_files import load_song
from cocomposer.paths import REPO_ROOT, demo_song_path
from suggest_helpers import ask, open_window, requires_model

SCREENSHOT = REPO_ROOT / "out" / "screenshots" / "suggestion.png"  # out/ is git-ignored


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
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(SCREENSHOT))
    image = QImage(str(SCREENSHOT))
    assert image.width() >= 1400 and window.suggestions.dock.isVisible()
    window.doc.undo_stack.setClean()
