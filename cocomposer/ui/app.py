"""Start the editor: `run(path)` opens a song file, or the bundled demo song when no path is given."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from cocomposer.paths import demo_song_path
from cocomposer.ui import theme
from cocomposer.ui.main_window import APP_NAME, MainWindow


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with CoComposer's name (QSettings keys) and dark theme; reused if one exists."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(APP_NAME)
    app.setApplicationName(APP_NAME)
    theme.apply_dark_theme(app)
    return app


def run(path: str | None = None) -> int:
    """Show the main window with `path` (or the demo song) and run the event loop; the exit code."""
    app = create_application()
    window = MainWindow()
    song_path = path or demo_song_path()
    if path or song_path.exists():
        window.open_path(song_path, ask_to_save=False)
        window.editor.show_notes_of_current_track()
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(run(sys.argv[1] if len(sys.argv) > 1 else None))
