"""Ghost notes: the shown suggestion drawn over the piano roll, apart from the song, and clicked to accept.

A transparent child of the note canvas paints after it, so the roll's own code needs no change; an event
filter on the canvas takes a click that lands on a ghost note before the canvas would start a gesture.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QLineF, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QWidget

from cocomposer.ai.grid import frame_ticks
from cocomposer.core import Note
from cocomposer.core.editing import pitch_name
from cocomposer.ui.pianoroll.viewport import RollViewport
from cocomposer.ui.suggestions.proposal import GhostNote, Proposal
from cocomposer.ui.suggestions.session import TASK_NOUNS, VOICE_LABELS, SuggestionSession

GHOST_FILL_ALPHA = 85
HOVERED_FILL_ALPHA = 170  # the ghost under the mouse: what a click would take
GHOST_OUTLINE_WIDTH = 1.6
NARROW_GHOST_WIDTH = 8.0  # pixels; dashes on a narrower ghost read as noise, so it gets a solid outline
REGION_SHADE = QColor(140, 170, 255, 18)
REGION_EDGE = QColor(150, 180, 255, 150)
LABEL_COLOR = QColor(200, 212, 240, 220)
REPLACED_DIMMING = QColor(27, 29, 33, 175)  # laid over song notes that accepting would remove
REPLACED_HATCH = QColor(215, 220, 230, 70)
REPLACED_STRIKE = QColor(225, 230, 238, 190)
REVEAL_MARGIN_ROWS = 2  # rows kept free above and below ghost notes scrolled into view
HEAT_ALPHA = 150
LOW_CONFIDENCE, MID_CONFIDENCE, HIGH_CONFIDENCE = QColor("#ff4f4f"), QColor("#ffcc40"), QColor("#42d67a")


def heat_color(confidence: float) -> QColor:
    """Red (the model was unsure) through amber to green (it was sure), translucent."""
    c = min(max(confidence, 0.0), 1.0)
    low, high, t = (LOW_CONFIDENCE, MID_CONFIDENCE, c * 2) if c < 0.5 else (MID_CONFIDENCE, HIGH_CONFIDENCE, c * 2 - 1)
    color = QColor.fromRgbF(*(a + (b - a) * t for a, b in zip(low.getRgbF()[:3], high.getRgbF()[:3])))
    color.setAlpha(HEAT_ALPHA)
    return color


class GhostOverlay(QWidget):
    """Paints the session's ghost notes (translucent, dashed outline in the target track's colour), the
    region being written, the song notes accepting would replace, and optionally the model's confidence per
    16th-note cell as a heat map."""

    painted = Signal(int)  # how many ghost notes the last paint drew (benchmarks and tests wait on it)

    def __init__(self, canvas: QWidget, viewport: RollViewport, session: SuggestionSession) -> None:
        super().__init__(canvas)
        self.canvas, self.viewport, self.session = canvas, viewport, session
        self.show_confidence = False
        self._revealed = None  # the answer (its first variant) last scrolled into view
        self._hovered: GhostNote | None = None
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WA_NoSystemBackground)
        self.setGeometry(canvas.rect())
        canvas.installEventFilter(self)
        viewport.changed.connect(self.update)
        session.proposal_changed.connect(self._proposal_changed)
        self.setVisible(False)

    def set_show_confidence(self, shown: bool) -> None:
        self.show_confidence = shown
        self.update()

    def _proposal_changed(self) -> None:
        proposal = self.session.proposal
        self._hover(None)
        self.setVisible(proposal is not None)
        self.raise_()
        # The first variant stands for the answer: later variants join the same answer and must not scroll
        # the view again once the person has looked around.
        if proposal is not None and proposal.suggestion.variants[0] is not self._revealed:
            self._revealed = proposal.suggestion.variants[0]
            self._reveal(proposal)
        self.update()

    def _reveal(self, proposal: Proposal) -> None:
        """Scroll a new answer into view: its bars when less than half of them (or of the view) is on
        screen (a continuation at or past the right edge), its pitches when a ghost note is above or
        below the roll (a bass under a melody)."""
        suggestion, vp = proposal.suggestion, self.viewport
        left, right = vp.visible_ticks()
        shown = min(suggestion.end_tick, right) - max(suggestion.start_tick, left)
        if shown < 0.5 * min(suggestion.end_tick - suggestion.start_tick, right - left):
            vp.set_left_tick(max(suggestion.start_tick - (right - left) * 0.1, 0.0))
        ghosts = [g.note.pitch for g in proposal.ghost_notes()]
        if not ghosts or self._rows_fit(min(ghosts), max(ghosts), vp.top_y):
            return
        heard = ghosts + [n.pitch for t in self.session.doc.song.tracks if not t.is_drum for n in t.notes
                          if n.start < suggestion.end_tick and n.end > suggestion.start_tick]
        low, high = min(heard), max(heard)  # the ghosts with what they sound against, when that fits
        if not self._rows_fit(low, high):
            low, high = min(ghosts), max(ghosts)
        rows = high - low + 1 + 2 * REVEAL_MARGIN_ROWS
        if rows * vp.row_height > vp.height:
            vp.zoom_pitch(vp.height / (rows * vp.row_height))  # fit, down to the roll's smallest rows
        vp.center_on_pitch((low + high) / 2)

    def _rows_fit(self, low: int, high: int, top_y: float | None = None) -> bool:
        """Whether pitches low..high, with a margin, fit the roll's height (scrolled to `top_y`, if given)."""
        vp = self.viewport
        margin = REVEAL_MARGIN_ROWS * vp.row_height
        top, bottom = (127 - high) * vp.row_height - margin, (128 - low) * vp.row_height + margin
        if top_y is None:
            return bottom - top <= vp.height
        return top >= top_y and bottom <= top_y + vp.height

    # --- clicks and size ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.canvas:
            if event.type() == QEvent.Resize:
                self.setGeometry(self.canvas.rect())
            elif event.type() in (QEvent.MouseButtonPress, QEvent.MouseButtonDblClick) and self.isVisible():
                return self._click(event)
            elif event.type() == QEvent.MouseMove and self.isVisible():
                self._hover(event.position() if event.buttons() == Qt.NoButton else None)
            elif event.type() == QEvent.Leave:
                self._hover(None)
        return False

    def _hover(self, pos: QPointF | None) -> None:
        ghost = self.ghost_at(pos) if pos is not None else None
        if ghost != self._hovered:
            self._hovered = ghost
            self.canvas.setToolTip(f"Click to take this note ({VOICE_LABELS[ghost.voice].lower()}, "
                                   f"{pitch_name(ghost.note.pitch)})" if ghost else "")
            self.update()

    def _click(self, event: QMouseEvent) -> bool:
        if event.button() != Qt.LeftButton:
            return False
        ghost = self.ghost_at(event.position())
        if ghost is None:
            return False
        self.session.accept_note(ghost)
        return True

    def ghost_at(self, pos: QPointF) -> GhostNote | None:
        """The ghost note under a canvas position (the topmost voice first), or None."""
        for ghost in reversed(self.session.ghost_notes()):
            if self.note_rect(ghost).contains(pos):
                return ghost
        return None

    def note_rect(self, ghost: GhostNote) -> QRectF:
        return self.song_note_rect(ghost.note)

    def song_note_rect(self, note: Note) -> QRectF:
        """Where the roll draws `note` (a ghost is drawn where the note would be)."""
        vp = self.viewport
        return QRectF(vp.tick_to_x(note.start), vp.pitch_to_y(note.pitch) + 1,
                      max(note.duration * vp.pixels_per_tick - 1, 3.0), vp.row_height - 1)

    # --- painting -------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        proposal = self.session.proposal
        if proposal is None:
            return
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.Antialiasing)
            self._paint_region(painter)
            self._paint_replaced(painter, proposal.replaced_notes())
            ghosts = [g for g in proposal.ghost_notes() if self.note_rect(g).intersects(QRectF(self.rect()))]
            if self.show_confidence:
                self._paint_confidence(painter, ghosts)
            self._paint_ghosts(painter, ghosts)
        finally:
            painter.end()
        self.painted.emit(len(ghosts))

    def _paint_region(self, painter: QPainter) -> None:
        proposal, vp = self.session.proposal, self.viewport
        x0 = vp.tick_to_x(proposal.suggestion.start_tick)
        x1 = vp.tick_to_x(proposal.suggestion.end_tick)
        height = self.height()
        painter.fillRect(QRectF(x0, 0, x1 - x0, height), REGION_SHADE)
        pen = QPen(REGION_EDGE, 1, Qt.DashLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(x0, 0), QPointF(x0, height))
        painter.drawLine(QPointF(x1, 0), QPointF(x1, height))
        label = f"AI {TASK_NOUNS[proposal.suggestion.task]}"
        total = self.session.variant_total
        if total > 1:
            label += f" · variant {proposal.variant_index + 1} of {total}"
        font = painter.font()
        font.setPixelSize(11)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(LABEL_COLOR)
        painter.drawText(QRectF(x0 + 6, 4, max(x1 - x0 - 8, 220), 16), Qt.AlignLeft | Qt.AlignVCenter, label)

    def _paint_replaced(self, painter: QPainter, notes: list[Note]) -> None:
        """Song notes that accepting would remove, dimmed, hatched and struck through, so the person sees what
        the ghosts change and not only what they add."""
        view = QRectF(self.rect())
        rects = [r for r in (self.song_note_rect(n) for n in notes) if r.intersects(view)]
        if not rects:
            return
        painter.setPen(Qt.NoPen)
        for brush in (QBrush(REPLACED_DIMMING), QBrush(REPLACED_HATCH, Qt.BDiagPattern)):
            painter.setBrush(brush)
            painter.drawRects(rects)
        painter.setPen(QPen(REPLACED_STRIKE, 1.2))
        painter.drawLines([QLineF(r.left() + 1, r.center().y(), r.right() - 1, r.center().y()) for r in rects])

    def _paint_ghosts(self, painter: QPainter, ghosts: list[GhostNote]) -> None:
        by_track: dict[int, list[GhostNote]] = {}
        for ghost in ghosts:
            by_track.setdefault(id(ghost.track), []).append(ghost)
        radius = min(3.0, self.viewport.row_height / 4)
        for group in by_track.values():
            color = QColor(group[0].track.color)
            fill = QColor(color)
            fill.setAlpha(0 if self.show_confidence else GHOST_FILL_ALPHA)
            dashed = QPen(color.lighter(135), GHOST_OUTLINE_WIDTH, Qt.DashLine)
            dashed.setDashPattern([3.0, 2.0])
            solid = QPen(color.lighter(135), GHOST_OUTLINE_WIDTH)
            painter.setBrush(fill)
            for ghost in group:
                rect = self.note_rect(ghost)
                painter.setPen(solid if rect.width() < NARROW_GHOST_WIDTH else dashed)
                if ghost == self._hovered:
                    hovered = QColor(color)
                    hovered.setAlpha(HOVERED_FILL_ALPHA)
                    painter.setBrush(hovered)
                painter.drawRoundedRect(rect.adjusted(0.8, 0.8, -0.8, -0.8), radius, radius)
                painter.setBrush(fill)

    def _paint_confidence(self, painter: QPainter, ghosts: list[GhostNote]) -> None:
        """Each ghost note's 16th-note cells tinted by how sure the model was of that cell."""
        proposal, vp = self.session.proposal, self.viewport
        ticks = frame_ticks(self.session.doc.song)
        first_frame = proposal.suggestion.start_tick // ticks
        confidence = proposal.variant.confidence
        painter.setPen(Qt.NoPen)
        for ghost in ghosts:
            note, y = ghost.note, vp.pitch_to_y(ghost.note.pitch) + 1
            for frame in range(note.start // ticks, -(-note.end // ticks)):
                row = frame - first_frame
                if not 0 <= row < len(confidence):
                    continue
                x0 = vp.tick_to_x(max(frame * ticks, note.start))
                x1 = vp.tick_to_x(min((frame + 1) * ticks, note.end))
                painter.setBrush(heat_color(float(confidence[row, ghost.voice])))
                painter.drawRect(QRectF(x0, y, x1 - x0, vp.row_height - 1))
