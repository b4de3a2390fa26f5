"""The velocity lane under the roll: one bar per note; drag across bars to set how hard notes are played.

With a selection only the selected notes' bars can be changed (the others stay dim); without one, all can.
A drag is one undo command, pushed on release.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QWidget

from cocomposer.core import Note
from cocomposer.ui import commands, theme
from cocomposer.ui.document import SongDocument
from cocomposer.ui.pianoroll.note_index import NoteIndexCache
from cocomposer.ui.pianoroll.viewport import RollViewport

LANE_HEIGHT = 84
BAR_WIDTH = 5
GRAB_PIXELS = 5
TOP_MARGIN = 4


class VelocityLane(QWidget):
    def __init__(self, doc: SongDocument, viewport: RollViewport, notes: NoteIndexCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.viewport, self.notes = doc, viewport, notes
        self.setFixedHeight(LANE_HEIGHT)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self._edits: dict[Note, int] | None = None  # velocities being dragged, not yet in the document
        for signal in (doc.notes_changed, doc.current_track_changed, doc.selection_changed, doc.song_replaced,
                       doc.track_changed, viewport.changed):
            signal.connect(self.update)

    def _velocity_at(self, y: float) -> int:
        usable = self.height() - TOP_MARGIN
        return int(min(max(round((self.height() - y) / usable * 127), 1), 127))

    def _visible(self):
        track = self.doc.current_track
        if track is None:
            return None, np.empty(0, np.int64)
        start, end = self.viewport.visible_ticks()
        index = self.notes.index_for(track)
        # Bars stand at note starts, so only notes starting in view are shown.
        first, last = np.searchsorted(index.starts, [start - 1, end + 1])
        return index, np.arange(first, last)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), theme.BASE)
        height = self.height()
        usable = height - TOP_MARGIN
        painter.setPen(QPen(theme.ROLL_GRID_LINE, 1, Qt.DashLine))
        for level in (32, 64, 96):
            y = height - level / 127 * usable
            painter.drawLine(0, int(y), self.width(), int(y))
        index, visible = self._visible()
        track = self.doc.current_track
        if index is not None and len(visible):
            color = QColor(track.color)
            dim = QColor(color)
            dim.setAlpha(70)
            selection, edits = self.doc.selection, self._edits or {}
            vp = self.viewport
            xs = (index.starts[visible] - vp.left_tick) * vp.pixels_per_tick
            painter.setPen(Qt.NoPen)
            for x, i in zip(xs.tolist(), visible.tolist()):
                note = index.notes[i]
                velocity = edits.get(note, note.velocity)
                bar_height = velocity / 127 * usable
                painter.setBrush(color if not selection or note in selection else dim)
                painter.drawRect(QRectF(x, height - bar_height, BAR_WIDTH - 1, bar_height))
                painter.drawEllipse(QRectF(x - 1.5, height - bar_height - 2, BAR_WIDTH + 2, BAR_WIDTH))
        painter.setPen(theme.ROLL_BAR_LINE)
        painter.drawLine(0, 0, self.width(), 0)
        painter.end()

    def _editable_notes_near(self, x: float) -> list[Note]:
        index, visible = self._visible()
        if index is None or not len(visible):
            return []
        vp = self.viewport
        xs = (index.starts[visible] - vp.left_tick) * vp.pixels_per_tick
        near = visible[np.abs(xs + BAR_WIDTH / 2 - x) <= GRAB_PIXELS]
        selection = self.doc.selection
        notes = [index.notes[i] for i in near.tolist()]
        return [n for n in notes if n in selection] if selection else notes

    def _paint_velocity(self, event: QMouseEvent) -> None:
        velocity = self._velocity_at(event.position().y())
        for note in self._editable_notes_near(event.position().x()):
            self._edits[note] = velocity
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.LeftButton and self.doc.current_track is not None:
            self._edits = {}
            self._paint_velocity(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._edits is not None:
            self._paint_velocity(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.LeftButton or self._edits is None:
            return
        edits, self._edits = self._edits, None
        command = commands.set_velocities(self.doc, self.doc.current_track, edits)
        if command is not None:
            selection = self.doc.selection
            self.doc.push(command)
            if not selection:
                self.doc.set_selection(())  # editing without a selection should not leave one behind
        self.update()
