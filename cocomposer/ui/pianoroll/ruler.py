"""The bar/beat ruler above the roll: a click moves the playhead, a drag sets the loop region."""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QMouseEvent, QPainter, QPolygonF, QWheelEvent
from PySide6.QtWidgets import QWidget

from cocomposer.core.editing import snap_tick
from cocomposer.ui import theme
from cocomposer.ui.document import SongDocument
from cocomposer.ui.pianoroll.roll import wheel_navigation
from cocomposer.ui.pianoroll.tools import EditSettings
from cocomposer.ui.pianoroll.viewport import RollViewport
from cocomposer.ui.playback import PlaybackController

RULER_HEIGHT = 28
DRAG_THRESHOLD_PIXELS = 4
MIN_LABEL_SPACING = 36  # pixels between bar numbers


class BarRuler(QWidget):
    def __init__(self, doc: SongDocument, viewport: RollViewport, settings: EditSettings, playback: PlaybackController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.viewport, self.settings, self.playback = doc, viewport, settings, playback
        self.setFixedHeight(RULER_HEIGHT)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self._press_x: float | None = None
        self._dragging = False
        for signal in (viewport.changed, doc.timing_changed, doc.song_replaced, playback.playhead_moved,
                       playback.loop_changed, playback.state_changed):
            signal.connect(self.update)

    def paintEvent(self, event) -> None:
        vp, song = self.viewport, self.doc.song
        painter = QPainter(self)
        painter.fillRect(self.rect(), theme.PANEL)
        height = self.height()
        region = self.playback.loop_region
        if region:
            x0, x1 = vp.tick_to_x(region[0]), vp.tick_to_x(region[1])
            color = theme.LOOP_REGION_EDGE if self.playback.loop_enabled else theme.DIM_TEXT
            band = QRectF(x0, 0, x1 - x0, 7)
            painter.fillRect(band, color)
        start, end = vp.visible_ticks()
        meter = song.meter
        bar_lines = meter.bar_lines(int(start), int(end) + 1)
        first_bar = meter.tick_to_bar_beat(bar_lines[0])[0] if bar_lines else 0
        bar_px = (meter.ticks_per_bar(meter.signature_at(int(start))) * vp.pixels_per_tick) or 1
        label_every = max(1, int(-(-MIN_LABEL_SPACING // bar_px)))
        font = QFont(self.font())
        font.setPixelSize(11)
        painter.setFont(font)
        for offset, tick in enumerate(bar_lines):
            bar = first_bar + offset
            x = vp.tick_to_x(tick)
            painter.setPen(theme.ROLL_BAR_LINE.lighter(140))
            painter.drawLine(QLineF(x, height * 0.35, x, height))
            if bar % label_every == 0:
                painter.setPen(theme.TEXT)
                painter.drawText(QPointF(x + 4, height - 8), str(bar + 1))
            signature = meter.signature_at(tick)
            beat = meter.ticks_per_beat(signature)
            if beat * vp.pixels_per_tick >= 8:
                painter.setPen(theme.DIM_TEXT)
                for k in range(1, signature.numerator):
                    bx = vp.tick_to_x(tick + k * beat)
                    painter.drawLine(QLineF(bx, height * 0.75, bx, height))
        x = vp.tick_to_x(self.playback.playhead)
        painter.setPen(Qt.NoPen)
        painter.setBrush(theme.PLAYHEAD)
        painter.drawPolygon(QPolygonF([QPointF(x - 6, height - 11), QPointF(x + 6, height - 11), QPointF(x, height - 1)]))
        painter.setPen(theme.BASE)
        painter.drawLine(0, height - 1, self.width(), height - 1)
        painter.end()

    def _tick_at(self, x: float) -> int:
        tick = self.viewport.x_to_tick(x)
        return snap_tick(tick, self.settings.grid_ticks(self.doc.song, int(tick)))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.LeftButton:
            self._press_x = event.position().x()
            self._dragging = False

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press_x is None:
            return
        x = event.position().x()
        if self._dragging or abs(x - self._press_x) >= DRAG_THRESHOLD_PIXELS:
            self._dragging = True
            self.playback.set_loop_region(self._tick_at(self._press_x), self._tick_at(x))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.LeftButton or self._press_x is None:
            return
        if not self._dragging:
            self.playback.set_playhead(self._tick_at(self._press_x))
        self._press_x = None
        self._dragging = False

    def wheelEvent(self, event: QWheelEvent) -> None:
        wheel_navigation(self.viewport, event, event.position().x())
