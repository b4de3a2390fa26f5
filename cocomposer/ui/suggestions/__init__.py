"""Co-writing with the AI in the editor: ask, audition, cycle, accept or reject suggestions.

`install(window)` adds the pieces to a MainWindow: the session (requests, proposals, accept commands),
the right-hand "AI" dock, the ghost notes over the piano roll and the AI menu.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea

from cocomposer.ui.suggestions.ghosts import GhostOverlay
from cocomposer.ui.suggestions.panel import EditingKeysGuard, SuggestionPanel
from cocomposer.ui.suggestions.session import SuggestionSession

if TYPE_CHECKING:
    from cocomposer.ui.main_window import MainWindow

AI_MENU = ["ai_harmonize", "ai_continue", "ai_infill", None, "ai_next_variant", "ai_previous_variant", "ai_accept",
           "ai_reject", "ai_regenerate", None, "ai_confidence"]


@dataclass
class SuggestionTools:
    session: SuggestionSession
    panel: SuggestionPanel
    dock: QDockWidget
    ghosts: GhostOverlay


def install(window: "MainWindow", model_path: str | Path | None = None) -> SuggestionTools:
    """Give `window` the AI: a session over its document and playback, the AI dock, ghost notes and menu."""
    session = SuggestionSession(window.doc, window.playback, model_path, window)
    panel = SuggestionPanel(session)
    dock = QDockWidget("AI", window)
    dock.setObjectName("AIDock")
    scroll = QScrollArea()  # the panel scrolls rather than squeezing its controls on short screens
    scroll.setWidget(panel)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    scroll.setMinimumWidth(panel.minimumWidth() + scroll.verticalScrollBar().sizeHint().width())
    dock.setWidget(scroll)
    dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable | QDockWidget.DockWidgetClosable)
    window.addDockWidget(Qt.RightDockWidgetArea, dock)
    keys_guard = EditingKeysGuard(window)
    for widget in (window, dock):
        widget.installEventFilter(keys_guard)
    ghosts = GhostOverlay(window.editor.canvas, window.editor.viewport, session)
    panel.confidence_shown.connect(ghosts.set_show_confidence)
    menu = panel.action_collection.add_menu(window.menuBar(), "&AI", AI_MENU)
    menu.addSeparator()
    menu.addAction(dock.toggleViewAction())
    session.message.connect(window.show_message)
    QCoreApplication.instance().aboutToQuit.connect(session.cancel)  # quitting never waits for the model
    return SuggestionTools(session, panel, dock, ghosts)
