"""The piano keyboard at the left of the roll: shows which row is which pitch; a click sounds it."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QWidget

from cocomposer.core.editing import pitch_name
from cocomposer.ui import theme
from cocomposer.ui.pianoroll.roll import wheel_navigation
from cocomposer.ui.pianoroll.viewport import RollViewport
from cocomposer.ui.playback import PlaybackController

BLACK_PITCH_CLASSES = frozenset({1, 3, 6, 8, 10})
KEYBOARD_WIDTH = 64
ALL_NAMES_ROW_HEIGHT = 18  # pixels per row from which every white key is labelled, not just the Cs


class PianoKeyboard(QWidget):
    def __init__(self, viewport: RollViewport, playback: PlaybackController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.viewport, self.playback = viewport, playback
        self.setFixedWidth(KEYBOARD_WIDTH)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        viewport.changed.connect(self.update)

    def paintEvent(self, event) -> None:
        vp = self.viewport
        painter = QPainter(self)
        painter.fillRect(self.rect(), theme.KEY_WHITE)
        font = QFont(self.font())
        font.setPixelSize(max(min(int(vp.row_height * 0.75), 11), 7))
        painter.setFont(font)
        low, high = vp.visible_pitches()
        width, row_h = self.width(), vp.row_height
        black_width = width * 0.62
        for pitch in range(low, high + 1):
            y = vp.pitch_to_y(pitch)
            pitch_class = pitch % 12
            if pitch_class in BLACK_PITCH_CLASSES:
                painter.fillRect(QRectF(0, y, black_width, row_h), theme.KEY_BLACK)
            else:
                painter.setPen(theme.KEY_SEPARATOR)
                painter.drawLine(QPointF(0, y + row_h), QPointF(width, y + row_h))
            if pitch_class == 0 or (row_h >= ALL_NAMES_ROW_HEIGHT and pitch_class not in BLACK_PITCH_CLASSES):
                painter.setPen(theme.KEY_C_LABEL if pitch_class == 0 else theme.KEY_LABEL)
                painter.drawText(QRectF(0, y, width - 4, row_h), Qt.AlignRight | Qt.AlignVCenter, pitch_name(pitch))
        painter.setPen(theme.BASE)
        painter.drawLine(width - 1, 0, width - 1, self.height())
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.LeftButton:
            pitch = self.viewport.y_to_pitch(event.position().y())
            if 0 <= pitch <= 127:
                self.playback.audition(pitch)

    def wheelEvent(self, event: QWheelEvent) -> None:
        wheel_navigation(self.viewport, event, 0)

