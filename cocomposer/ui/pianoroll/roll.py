"""The note canvas: grid, notes of every track (the current one bright, others faint) and mouse editing.

Painting touches only notes in view (bisected from the NoteIndexCache) and batches rectangles per
colour, which keeps a repaint of a 20,000-note song within a frame. A drag is previewed here and
pushed to the document as one undo command on release.
"""

from __future__ import annotations

import enum

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QWidget

from cocomposer.core import Note, Track
from cocomposer.core.editing import pitch_name, snap_tick, snap_tick_down, start_moved
from cocomposer.ui import commands, theme
from cocomposer.ui.document import SongDocument
from cocomposer.ui.pianoroll.note_index import NoteIndexCache, TrackNoteIndex
from cocomposer.ui.pianoroll.tools import EditSettings, Tool
from cocomposer.ui.pianoroll.viewport import RollViewport
from cocomposer.ui.playback import PlaybackController

EDGE_GRAB_PIXELS = 6
MIN_NOTE_TICKS = 1
MIN_GRID_LINE_SPACING = 7  # pixels; finer grid lines are skipped when zoomed out
VELOCITY_SHADES = 8
BACKGROUND_TRACK_ALPHA = 70
NAME_MIN_ROW_HEIGHT = 11  # pixels; note names are drawn only when they fit and are few
NAME_MIN_WIDTH = 26
NAME_MAX_NOTES = 400


class Gesture(enum.Enum):
    NONE = 0
    DRAW = 1
    MOVE = 2
    RESIZE_END = 3  # the right edge dragged: the end moves
    RESIZE_START = 4  # the left edge dragged: the start moves, the end stays
    RUBBER_BAND = 5
    ERASE = 6


def wheel_navigation(viewport: RollViewport, event: QWheelEvent, anchor_x: float) -> None:
    """DAW wheel habits: Ctrl zooms time, Ctrl+Shift zooms pitch, Shift scrolls time, plain wheel scrolls pitch."""
    delta = event.angleDelta().y() or event.angleDelta().x()
    modifiers = event.modifiers()
    if modifiers & Qt.ControlModifier and modifiers & Qt.ShiftModifier:
        viewport.zoom_pitch(1.15 if delta > 0 else 1 / 1.15, event.position().y())
    elif modifiers & Qt.ControlModifier:
        viewport.zoom_time(1.25 if delta > 0 else 0.8, anchor_x)
    elif modifiers & Qt.ShiftModifier or event.angleDelta().x():
        viewport.scroll_ticks(-delta / 120 * 60 / viewport.pixels_per_tick)
    else:
        viewport.scroll_pixels(-delta / 120 * 3 * viewport.row_height)
    event.accept()


class NoteCanvas(QWidget):
    """The roll itself. Emits `hovered(tick, pitch)` for the status bar."""

    hovered = Signal(int, int)

    def __init__(self, doc: SongDocument, viewport: RollViewport, settings: EditSettings, notes: NoteIndexCache,
                 playback: PlaybackController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.viewport, self.settings, self.notes, self.playback = doc, viewport, settings, notes, playback
        self.setFocusPolicy(Qt.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self.setMinimumSize(200, 120)
        self.new_note_ticks = doc.song.ppq  # length of the next drawn note: the last one drawn or resized
        self._gesture = Gesture.NONE
        self._press_tick = 0.0
        self._press_pitch = 0
        self._press_pos = QPointF()
        self._anchor: Note | None = None  # the note under the mouse when a move/resize began
        self._dragged: list[Note] = []
        self._drag_ticks = 0
        self._drag_semitones = 0
        self._drawn: Note | None = None
        self._erased: set[Note] = set()
        self._band_base: frozenset[Note] = frozenset()
        self._band_rect: QRectF | None = None
        for signal in (doc.notes_changed, doc.track_changed, doc.tracks_changed, doc.timing_changed, doc.song_replaced,
                       doc.current_track_changed, doc.selection_changed, viewport.changed, playback.playhead_moved,
                       playback.loop_changed, settings.changed):
            signal.connect(self.update)
        doc.song_replaced.connect(self._on_song_replaced)

    def _on_song_replaced(self) -> None:
        self.new_note_ticks = self.doc.song.ppq

    # --- geometry ---------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        self.viewport.set_size(self.width(), self.height())
        super().resizeEvent(event)

    def _grid(self, tick: float, modifiers) -> int:
        """Snap step at `tick`, or 0 when Alt bypasses snapping."""
        if modifiers & Qt.AltModifier:
            return 0
        return self.settings.grid_ticks(self.doc.song, int(tick))

    def _note_rect(self, note: Note) -> QRectF:
        vp = self.viewport
        x = vp.tick_to_x(note.start)
        return QRectF(x, vp.pitch_to_y(note.pitch), max(note.duration * vp.pixels_per_tick, 2.0), vp.row_height)

    # --- painting -------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        try:
            self._paint_rows(painter)
            self._paint_time_grid(painter)
            self._paint_loop_region(painter)
            self._paint_background_tracks(painter)
            self._paint_current_track(painter)
            self._paint_overlays(painter)
        finally:
            painter.end()

    def _paint_rows(self, painter: QPainter) -> None:
        vp, width = self.viewport, self.width()
        painter.fillRect(self.rect(), theme.ROLL_ROW_OUT_OF_SCALE)
        key = self.doc.song.key_at(int(vp.left_tick))
        scale = key.scale_pitch_classes() if key else frozenset({0, 2, 4, 5, 7, 9, 11})
        tonic = key.tonic if key else 0
        low, high = vp.visible_pitches()
        row_h = vp.row_height
        for pitch in range(low, high + 1):
            pitch_class = pitch % 12
            if pitch_class == tonic:
                color = theme.ROLL_ROW_TONIC
            elif pitch_class in scale:
                color = theme.ROLL_ROW_IN_SCALE
            else:
                continue
            painter.fillRect(QRectF(0, vp.pitch_to_y(pitch), width, row_h - 1), color)
        painter.setPen(theme.ROLL_OCTAVE_LINE)
        for pitch in range(low, high + 1):
            if pitch % 12 == 0:  # line under each C
                y = vp.pitch_to_y(pitch) + row_h - 0.5
                painter.drawLine(QPointF(0, y), QPointF(width, y))

    def _paint_time_grid(self, painter: QPainter) -> None:
        vp, height = self.viewport, self.height()
        song = self.doc.song
        start, end = vp.visible_ticks()
        bar_lines = song.meter.bar_lines(int(start), int(end) + 1)
        beat_ticks = song.meter.ticks_per_beat(song.meter.signature_at(int(start)))
        grid = self.settings.grid_ticks(song, int(start))
        for step, color in ((grid, theme.ROLL_GRID_LINE), (beat_ticks, theme.ROLL_BEAT_LINE)):
            if step <= 0 or step * vp.pixels_per_tick < MIN_GRID_LINE_SPACING:
                continue
            ticks = np.arange(int(start // step) * step, end + step, step)
            painter.setPen(color)
            painter.drawLines([QLineF(x, 0, x, height) for x in ((ticks - vp.left_tick) * vp.pixels_per_tick).tolist()])
        if bar_lines and (len(bar_lines) < 2 or (bar_lines[1] - bar_lines[0]) * vp.pixels_per_tick >= 3):
            painter.setPen(theme.ROLL_BAR_LINE)
            painter.drawLines([QLineF(vp.tick_to_x(t), 0, vp.tick_to_x(t), height) for t in bar_lines])

    def _paint_loop_region(self, painter: QPainter) -> None:
        region = self.playback.loop_region
        if region and self.playback.loop_enabled:
            x0, x1 = self.viewport.tick_to_x(region[0]), self.viewport.tick_to_x(region[1])
            painter.fillRect(QRectF(x0, 0, x1 - x0, self.height()), theme.LOOP_REGION)

    def _visible_note_rects(self, track: Track) -> tuple[TrackNoteIndex, np.ndarray, np.ndarray]:
        """The track's index, indices of its notes in view, and their rectangles as an [n, 4] array (x, y, w, h)."""
        vp = self.viewport
        index = self.notes.index_for(track)
        start, end = vp.visible_ticks()
        low, high = vp.visible_pitches()
        visible = index.visible(start, end, low, high)
        xs = (index.starts[visible] - vp.left_tick) * vp.pixels_per_tick
        widths = np.maximum((index.ends[visible] - index.starts[visible]) * vp.pixels_per_tick, 2.0)
        ys = (127 - index.pitches[visible]) * vp.row_height - vp.top_y
        rects = np.column_stack((xs, ys + 1, widths - 1, np.full(len(visible), vp.row_height - 1)))
        return index, visible, rects

    def _paint_background_tracks(self, painter: QPainter) -> None:
        painter.setPen(Qt.NoPen)
        current = self.doc.current_track
        for track in self.doc.song.tracks:
            if track is current or not track.notes:
                continue
            _, visible, rects = self._visible_note_rects(track)
            if len(visible):
                color = QColor(track.color)
                color.setAlpha(BACKGROUND_TRACK_ALPHA)
                painter.setBrush(color)
                painter.drawRects([QRectF(*r) for r in rects.tolist()])

    def _paint_current_track(self, painter: QPainter) -> None:
        track = self.doc.current_track
        if track is None:
            return
        index, visible, rects = self._visible_note_rects(track)
        if not len(visible):
            return
        dragging = self._gesture in (Gesture.MOVE, Gesture.RESIZE_END, Gesture.RESIZE_START)
        hidden = set(self._dragged) if dragging else self._erased
        base = QColor(track.color)
        shades = np.minimum(index.velocities[visible] * VELOCITY_SHADES // 128, VELOCITY_SHADES - 1)
        notes = index.notes
        painter.setPen(QPen(base.darker(220), 1))
        if hidden:
            keep = np.array([notes[i] not in hidden for i in visible.tolist()], bool)
            visible, rects, shades = visible[keep], rects[keep], shades[keep]
        for shade in np.unique(shades).tolist():
            painter.setBrush(theme.velocity_color(base, (shade + 1) * 128 // VELOCITY_SHADES))
            painter.drawRects([QRectF(*r) for r in rects[shades == shade].tolist()])
        selection = self.doc.selection
        if selection:
            chosen = [QRectF(*rects[k]) for k, i in enumerate(visible.tolist()) if notes[i] in selection]
            if chosen:
                painter.setBrush(Qt.NoBrush)
                painter.setPen(QPen(theme.SELECTION_OUTLINE, 1.5))
                painter.drawRects(chosen)
        self._paint_note_names(painter, index, visible, rects)
        locked = index.locked[visible]
        if locked.any():
            self._paint_lock_marks(painter, rects[locked])

    def _paint_note_names(self, painter: QPainter, index: TrackNoteIndex, visible: np.ndarray, rects: np.ndarray) -> None:
        """Pitch names inside notes wide and tall enough to hold them, when few enough are in view."""
        if self.viewport.row_height < NAME_MIN_ROW_HEIGHT or len(visible) > NAME_MAX_NOTES:
            return
        wide = rects[:, 2] >= NAME_MIN_WIDTH
        if not wide.any():
            return
        font = painter.font()
        font.setPixelSize(int(min(self.viewport.row_height - 3, 11)))
        painter.setFont(font)
        painter.setPen(theme.NOTE_LABEL)
        for (x, y, w, h), pitch in zip(rects[wide].tolist(), index.pitches[visible[wide]].tolist()):
            painter.drawText(QRectF(x + 3, y, w - 4, h), Qt.AlignLeft | Qt.AlignVCenter, pitch_name(pitch))

    def _paint_lock_marks(self, painter: QPainter, rects: np.ndarray) -> None:
        """A small padlock at the left of each locked note: the AI will not change it."""
        size = min(self.viewport.row_height - 3, 9.0)
        if size < 4:
            return
        painter.setPen(QPen(QColor("#1b1d21"), 1.2))
        painter.setBrush(QColor("#f3e3b0"))
        for x, y, _, h in rects.tolist():
            body = QRectF(x + 2, y + h - size * 0.65 - 1, size, size * 0.6)
            painter.drawArc(QRectF(body.x() + size * 0.2, body.y() - size * 0.45, size * 0.6, size * 0.8), 0, 180 * 16)
            painter.drawRect(body)

    def _paint_overlays(self, painter: QPainter) -> None:
        track = self.doc.current_track
        preview = self._preview_notes()
        if preview and track is not None:
            color = QColor(track.color).lighter(130)
            painter.setPen(QPen(theme.SELECTION_OUTLINE, 1.5))
            painter.setBrush(color)
            painter.drawRects([self._note_rect(n).adjusted(0, 1, -1, 0) for n in preview])
        if self._band_rect is not None:
            painter.setPen(QPen(theme.ACCENT, 1))
            painter.setBrush(theme.RUBBER_BAND)
            painter.drawRect(self._band_rect)
        x = self.viewport.tick_to_x(self.playback.playhead)
        if 0 <= x <= self.width():
            painter.setPen(QPen(theme.PLAYHEAD, 1.5))
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))

    def _preview_notes(self) -> list[Note]:
        if self._gesture == Gesture.DRAW and self._drawn is not None:
            return [self._drawn]
        if self._gesture == Gesture.MOVE:
            return [n.moved(start=n.start + self._drag_ticks, pitch=n.pitch + self._drag_semitones) for n in self._dragged]
        if self._gesture == Gesture.RESIZE_END:
            return [n.moved(duration=self._resized_duration(n)) for n in self._dragged]
        if self._gesture == Gesture.RESIZE_START:
            return [start_moved(n, self._drag_ticks, MIN_NOTE_TICKS) for n in self._dragged]
        return []

    # --- mouse editing ------------------------------------------------------------------------
    def _note_under(self, pos: QPointF) -> Note | None:
        track = self.doc.current_track
        if track is None:
            return None
        return self.notes.index_for(track).note_at(self.viewport.x_to_tick(pos.x()), self.viewport.y_to_pitch(pos.y()))

    def _edge_gesture(self, note: Note, pos: QPointF) -> Gesture | None:
        """RESIZE_START or RESIZE_END when `pos` is on that edge of `note`. Narrow notes keep most of their width
        for moving: an edge is at most a quarter of the note, and notes too small to hold both only move."""
        rect = self._note_rect(note)
        if rect.width() <= 2 * EDGE_GRAB_PIXELS:
            return None
        grab = min(EDGE_GRAB_PIXELS, rect.width() / 4)
        if pos.x() >= rect.right() - grab:
            return Gesture.RESIZE_END
        if pos.x() <= rect.left() + grab:
            return Gesture.RESIZE_START
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.LeftButton or self.doc.current_track is None:
            return super().mousePressEvent(event)
        self.setFocus(Qt.MouseFocusReason)
        pos, modifiers = event.position(), event.modifiers()
        self._press_pos = pos
        self._press_tick = self.viewport.x_to_tick(pos.x())
        self._press_pitch = self.viewport.y_to_pitch(pos.y())
        tool = self.settings.tool
        note = self._note_under(pos)
        if tool == Tool.ERASE:
            self._gesture = Gesture.ERASE
            self._erased = {note} if note else set()
        elif note is not None:
            self._grab_note(note, pos, modifiers)
        elif tool == Tool.DRAW:
            self._begin_draw(modifiers)
        else:
            self._gesture = Gesture.RUBBER_BAND
            keep = modifiers & (Qt.ShiftModifier | Qt.ControlModifier)
            self._band_base = self.doc.selection if keep else frozenset()
            self._band_rect = QRectF(pos, pos)
            self.doc.set_selection(self._band_base)
        self.update()

    def _grab_note(self, note: Note, pos: QPointF, modifiers) -> None:
        selection = self.doc.selection
        if modifiers & Qt.ControlModifier:
            self.doc.set_selection(selection ^ {note})
            self._gesture = Gesture.NONE
            return
        if modifiers & Qt.ShiftModifier:
            self.doc.set_selection(selection | {note})
        elif note not in selection:
            self.doc.set_selection({note})
        self._anchor = note
        self._dragged = list(self.doc.selection)
        self._drag_ticks = self._drag_semitones = 0
        self._gesture = self._edge_gesture(note, pos) or Gesture.MOVE
        self.playback.audition(note.pitch, note.velocity)

    def _begin_draw(self, modifiers) -> None:
        grid = self._grid(self._press_tick, modifiers)
        start = snap_tick_down(self._press_tick, grid)
        pitch = min(max(self._press_pitch, 0), 127)
        self._gesture = Gesture.DRAW
        self._drawn = Note(pitch, start, max(self.new_note_ticks, 1))
        self.playback.audition(pitch)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Double-click on empty space draws a note, whatever the tool (the habit from other editors)."""
        if event.button() != Qt.LeftButton or self.doc.current_track is None or self._note_under(event.position()):
            return super().mouseDoubleClickEvent(event)
        self._press_tick = self.viewport.x_to_tick(event.position().x())
        self._press_pitch = self.viewport.y_to_pitch(event.position().y())
        self._band_rect = None
        self._begin_draw(event.modifiers())
        self._finish_gesture()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos, modifiers = event.position(), event.modifiers()
        tick = self.viewport.x_to_tick(pos.x())
        pitch = self.viewport.y_to_pitch(pos.y())
        self.hovered.emit(int(tick), pitch)
        gesture = self._gesture
        if gesture == Gesture.NONE:
            note = self._note_under(pos)
            edge = self._edge_gesture(note, pos) if note is not None and self.settings.tool != Tool.ERASE else None
            self.setCursor(Qt.SizeHorCursor if edge is not None else Qt.ArrowCursor)
            return
        if gesture == Gesture.DRAW:
            grid = self._grid(tick, modifiers)
            end = snap_tick(tick, grid)
            self._drawn = self._drawn.moved(duration=max(end - self._drawn.start, grid or 1, 1))
        elif gesture == Gesture.MOVE:
            self._drag_to(tick, pitch, modifiers)
        elif gesture == Gesture.RESIZE_END:
            anchor = self._anchor
            grid = self._grid(tick, modifiers)
            new_end = snap_tick(anchor.end + tick - self._press_tick, grid)
            self._drag_ticks = max(new_end, anchor.start + (grid or 1)) - anchor.end
        elif gesture == Gesture.RESIZE_START:
            self._drag_start_to(tick, modifiers)
        elif gesture == Gesture.RUBBER_BAND:
            self._band_rect = QRectF(self._press_pos, pos).normalized()
            self._select_in_band()
        elif gesture == Gesture.ERASE:
            note = self._note_under(pos)
            if note is not None:
                self._erased.add(note)
        self.update()

    def _drag_to(self, tick: float, pitch: int, modifiers) -> None:
        """Move preview: the grabbed note's start snaps to the grid; all notes stay in range."""
        anchor = self._anchor
        grid = self._grid(anchor.start + tick - self._press_tick, modifiers)
        ticks = snap_tick(anchor.start + tick - self._press_tick, grid) - anchor.start
        semitones = pitch - self._press_pitch
        dragged = self._dragged
        ticks = max(ticks, -min(n.start for n in dragged))
        semitones = min(max(semitones, -min(n.pitch for n in dragged)), 127 - max(n.pitch for n in dragged))
        if semitones != self._drag_semitones:
            self.playback.audition(anchor.pitch + semitones, anchor.velocity)
        self._drag_ticks, self._drag_semitones = ticks, semitones

    def _drag_start_to(self, tick: float, modifiers) -> None:
        """Left-edge preview: the grabbed note's start snaps to the grid, at least one step (or tick) before its
        end; no dragged note starts before tick 0."""
        anchor = self._anchor
        wanted = anchor.start + tick - self._press_tick
        grid = self._grid(wanted, modifiers)
        new_start = min(snap_tick(wanted, grid), anchor.end - (grid or MIN_NOTE_TICKS))
        self._drag_ticks = max(new_start - anchor.start, -min(n.start for n in self._dragged))

    def _resized_duration(self, note: Note) -> int:
        return max(note.duration + self._drag_ticks, MIN_NOTE_TICKS)

    def _select_in_band(self) -> None:
        vp, rect = self.viewport, self._band_rect
        track = self.doc.current_track
        inside = self.notes.index_for(track).notes_in(vp.x_to_tick(rect.left()), vp.x_to_tick(rect.right()),
                                                      vp.y_to_pitch(rect.bottom()), vp.y_to_pitch(rect.top()))
        self.doc.set_selection(self._band_base.symmetric_difference(inside) if self._band_base else inside)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.LeftButton:
            return super().mouseReleaseEvent(event)
        self._finish_gesture()

    def _finish_gesture(self) -> None:
        """End the gesture: everything it did becomes one undo command."""
        gesture, track, doc = self._gesture, self.doc.current_track, self.doc
        self._gesture = Gesture.NONE
        command = None
        if gesture == Gesture.DRAW and self._drawn is not None:
            self.new_note_ticks = self._drawn.duration
            command = commands.add_notes(doc, track, [self._drawn])
        elif gesture == Gesture.MOVE:
            command = commands.move_notes(doc, track, self._dragged, self._drag_ticks, self._drag_semitones)
        elif gesture == Gesture.RESIZE_END and self._drag_ticks:
            command = commands.resize_notes(doc, track, self._dragged, self._drag_ticks, MIN_NOTE_TICKS)
            self.new_note_ticks = self._resized_duration(self._anchor)
        elif gesture == Gesture.RESIZE_START and self._drag_ticks:
            command = commands.resize_note_starts(doc, track, self._dragged, self._drag_ticks, MIN_NOTE_TICKS)
            self.new_note_ticks = start_moved(self._anchor, self._drag_ticks, MIN_NOTE_TICKS).duration
        elif gesture == Gesture.ERASE and self._erased:
            command = commands.delete_notes(doc, track, list(self._erased))
        self._drawn, self._anchor, self._dragged, self._erased = None, None, [], set()
        self._band_rect = None
        self._drag_ticks = self._drag_semitones = 0
        if command is not None:
            doc.push(command)
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        wheel_navigation(self.viewport, event, event.position().x())

