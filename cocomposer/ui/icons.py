"""Small toolbar icons drawn with QPainter, so the app needs no icon theme or image files."""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF

SIZE = 32
INK = QColor("#d8dbe0")


def _pencil(p: QPainter) -> None:
    p.setPen(QPen(INK, 2.2, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    p.drawPolygon(QPolygonF([QPointF(8, 24), QPointF(21, 11), QPointF(24, 14), QPointF(11, 27), QPointF(7, 28)]))
    p.drawLine(QPointF(19, 13), QPointF(22, 16))


def _arrow(p: QPainter) -> None:
    p.setPen(QPen(INK, 1.8, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    p.setBrush(INK)
    p.drawPolygon(QPolygonF([QPointF(9, 5), QPointF(23, 19), QPointF(16, 19.5), QPointF(19.5, 27),
                             QPointF(16.5, 28), QPointF(13, 20.5), QPointF(9, 25)]))


def _eraser(p: QPainter) -> None:
    p.setPen(QPen(INK, 2, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    p.translate(16, 16)
    p.rotate(-40)
    p.drawRect(QRectF(-10, -5, 20, 10))
    p.fillRect(QRectF(-10, -5, 8, 10), INK)


def _play(p: QPainter) -> None:
    p.setPen(Qt.NoPen)
    p.setBrush(QColor("#6fd08c"))
    p.drawPolygon(QPolygonF([QPointF(10, 7), QPointF(26, 16), QPointF(10, 25)]))


def _stop(p: QPainter) -> None:
    p.fillRect(QRectF(9, 9, 14, 14), INK)


def _loop(p: QPainter) -> None:
    p.setPen(QPen(QColor("#f0a030"), 2.4, Qt.SolidLine, Qt.RoundCap))
    p.drawArc(QRectF(6, 8, 20, 16), 30 * 16, 300 * 16)
    p.setBrush(QColor("#f0a030"))
    p.drawPolygon(QPolygonF([QPointF(22, 6), QPointF(27, 11), QPointF(21, 13)]))


def _metronome(p: QPainter) -> None:
    p.setPen(QPen(INK, 2, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    p.drawPolygon(QPolygonF([QPointF(12, 6), QPointF(20, 6), QPointF(25, 27), QPointF(7, 27)]))
    p.drawLine(QPointF(16, 23), QPointF(23, 9))


def _count_in(p: QPainter) -> None:
    _metronome(p)
    p.setPen(QColor("#f0a030"))
    font = p.font()
    font.setPixelSize(12)
    font.setBold(True)
    p.setFont(font)
    p.drawText(QRectF(18, 16, 14, 14), Qt.AlignCenter, "1")


def _record(p: QPainter) -> None:
    p.setPen(Qt.NoPen)
    p.setBrush(QColor("#e0483e"))
    p.drawEllipse(QRectF(8, 8, 16, 16))


_PAINTERS: dict[str, Callable[[QPainter], None]] = {
    "draw": _pencil, "select": _arrow, "erase": _eraser, "play": _play, "stop": _stop, "loop": _loop,
    "metronome": _metronome, "count_in": _count_in, "record": _record,
}


@lru_cache(maxsize=None)
def icon(name: str) -> QIcon:
    pixmap = QPixmap(SIZE, SIZE)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    _PAINTERS[name](painter)
    painter.end()
    return QIcon(pixmap)
