"""The dark DAW look: one palette and stylesheet for the window, and the colours the roll paints with."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

WINDOW = QColor("#23262b")
BASE = QColor("#1b1d21")
PANEL = QColor("#2b2f35")
TEXT = QColor("#d8dbe0")
DIM_TEXT = QColor("#8a9099")
ACCENT = QColor("#f0a030")

ROLL_ROW_IN_SCALE = QColor("#2a2e34")
ROLL_ROW_OUT_OF_SCALE = QColor("#212428")
ROLL_ROW_TONIC = QColor("#303640")
ROLL_BAR_LINE = QColor("#5a616b")
ROLL_BEAT_LINE = QColor("#393e46")
ROLL_GRID_LINE = QColor("#2d3137")
ROLL_OCTAVE_LINE = QColor("#3d434c")
SELECTION_OUTLINE = QColor("#ffffff")
NOTE_LABEL = QColor(15, 17, 20, 190)
RUBBER_BAND = QColor(240, 160, 48, 60)
PLAYHEAD = QColor("#ff5a4f")
LOOP_REGION = QColor(240, 160, 48, 40)
LOOP_REGION_EDGE = QColor("#f0a030")

TRACK_COLORS = ("#4a90d9", "#e0703a", "#5bbf6a", "#c95fc4", "#e3c041", "#45c1c1", "#e0566b", "#8f7fe6")

KEY_WHITE = QColor("#d9dce1")
KEY_BLACK = QColor("#2a2d32")
KEY_LABEL = QColor("#6a7079")
KEY_C_LABEL = QColor("#1b1d21")
KEY_SEPARATOR = QColor("#9aa0a8")

_STYLESHEET = """
QMainWindow, QDialog { background: #23262b; }
QToolBar { background: #2b2f35; border: none; spacing: 4px; padding: 3px; }
QToolBar::separator { background: #3a3f46; width: 1px; margin: 4px 6px; }
QToolButton { color: #d8dbe0; padding: 3px 6px; border-radius: 3px; }
QToolButton:hover { background: #3a3f46; }
QToolButton:checked { background: #4a5160; color: #ffffff; }
QDockWidget { color: #d8dbe0; }
QDockWidget::title { background: #2b2f35; padding: 4px 6px; }
QStatusBar { background: #1e2024; color: #a8aeb6; }
QMenuBar { background: #2b2f35; color: #d8dbe0; }
QMenuBar::item:selected, QMenu::item:selected { background: #4a5160; }
QMenu { background: #2b2f35; color: #d8dbe0; border: 1px solid #3a3f46; }
QLineEdit, QComboBox {
    background: #1b1d21; color: #d8dbe0; border: 1px solid #3a3f46; border-radius: 3px; padding: 1px 4px; }
QLabel { color: #c8ccd2; }
QListWidget { background: #1e2024; border: none; }
QScrollBar { background: #1e2024; border: none; }
QScrollBar:vertical { width: 12px; }
QScrollBar:horizontal { height: 12px; }
QScrollBar::handle { background: #4a5160; border-radius: 3px; margin: 2px; }
QScrollBar::handle:hover { background: #5d6678; }
QScrollBar::handle:vertical { min-height: 24px; }
QScrollBar::handle:horizontal { min-width: 24px; }
QScrollBar::add-line, QScrollBar::sub-line { width: 0; height: 0; border: none; }
QScrollBar::add-page, QScrollBar::sub-page { background: none; }
"""


def apply_dark_theme(app: QApplication) -> None:
    """Fusion style with a dark palette: the look musicians know from DAWs, the same on every platform."""
    app.setStyle("Fusion")
    palette = QPalette()
    for role, color in (
        (QPalette.Window, WINDOW), (QPalette.WindowText, TEXT), (QPalette.Base, BASE),
        (QPalette.AlternateBase, PANEL), (QPalette.Text, TEXT), (QPalette.Button, PANEL),
        (QPalette.ButtonText, TEXT), (QPalette.Highlight, QColor("#4a6fa5")),
        (QPalette.HighlightedText, QColor("#ffffff")), (QPalette.ToolTipBase, PANEL),
        (QPalette.ToolTipText, TEXT), (QPalette.PlaceholderText, DIM_TEXT),
    ):
        palette.setColor(role, color)
    palette.setColor(QPalette.Disabled, QPalette.Text, DIM_TEXT)
    palette.setColor(QPalette.Disabled, QPalette.ButtonText, DIM_TEXT)
    app.setPalette(palette)
    app.setStyleSheet(_STYLESHEET)


def velocity_color(track_color: QColor, velocity: int) -> QColor:
    """The track colour, darker for soft notes, so loudness reads at a glance."""
    factor = 0.45 + 0.55 * velocity / 127
    return QColor.fromRgbF(track_color.redF() * factor, track_color.greenF() * factor, track_color.blueF() * factor)
