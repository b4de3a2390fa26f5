"""A picture of the main window with the demo song, and the note preview that drawing triggers."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox

from cocomposer.paths import REPO_ROOT, demo_song_path
from cocomposer.ui.main_window import PLAYBACK_PROBE_DELAY_MS, MainWindow
from ui_helpers import roll_point

SCREENSHOT = REPO_ROOT / "out" / "screenshots" / "main_window.png"


def test_screenshot_of_demo_song(qtbot, tmp_path, monkeypatch, dark_theme):
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.Discard)
    window = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat))
    qtbot.addWidget(window)
    window.resize(1400, 860)
    assert window.open_path(demo_song_path(), ask_to_save=False)
    window.show()
    qtbot.waitExposed(window)
    window.editor.show_notes_of_current_track()
    qtbot.wait(PLAYBACK_PROBE_DELAY_MS + 100)  # laid out, and the start-up probe has said what it found
    path = tmp_path / "cocomposer_window.png"
    picture = window.grab()
    assert picture.save(str(path))
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert picture.save(str(SCREENSHOT))  # out/ is git-ignored: a copy for a person to look at
    image = QImage(str(path))
    assert image.width() >= 1400 and image.height() >= 860
    assert window.windowTitle().startswith("demo.ccsong —")


def test_drawing_and_moving_notes_sound_them(qtbot, window, monkeypatch):
    heard = []
    monkeypatch.setattr(window.playback, "audition", lambda pitch, velocity=96, track=None: heard.append(pitch))
    window.action_collection["tool_draw"].trigger()
    qtbot.mouseClick(window.editor.canvas, Qt.LeftButton, Qt.NoModifier, roll_point(window, 1920, 71))
    assert heard == [71]


def test_run_opens_the_demo_song(qtbot, monkeypatch, tmp_path, dark_theme):
    """The app entry point: no path opens the bundled demo song; the event loop returns 0 on quit."""
    from PySide6.QtCore import QCoreApplication, QEvent, QTimer
    from PySide6.QtWidgets import QApplication

    from cocomposer.ui import app as app_module

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    seen = []

    def look_and_quit() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen.extend(w.windowTitle() for w in windows)
        for window in windows:
            window.doc.undo_stack.setClean()
            window.close()
        QApplication.quit()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(look_and_quit)
    timer.start(300)
    assert app_module.run() == 0
    # Closing the last window inside the loop queued one more Quit; left there, it would end every event
    # loop later tests start (qtbot.wait and waitUntil would stop processing events).
    QCoreApplication.removePostedEvents(QApplication.instance(), QEvent.Quit)
    assert any(title.startswith("demo.ccsong —") for title in seen)


def test_clicking_the_keyboard_sounds_the_pitch(qtbot, window, monkeypatch):
    from PySide6.QtCore import QPoint

    heard = []
    monkeypatch.setattr(window.playback, "audition", lambda pitch, velocity=96, track=None: heard.append(pitch))
    viewport = window.editor.viewport
    qtbot.mouseClick(window.editor.keyboard, Qt.LeftButton, Qt.NoModifier,
                     QPoint(10, int(viewport.pitch_to_y(64) + viewport.row_height / 2)))
    assert heard == [64]
