"""The piano-roll editor: ruler, keyboard, note canvas, velocity lane and scroll bars laid out together."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QScrollBar, QWidget

from cocomposer.ui import theme
from cocomposer.ui.document import SongDocument
from cocomposer.ui.pianoroll.keyboard import KEYBOARD_WIDTH, PianoKeyboard
from cocomposer.ui.pianoroll.note_index import NoteIndexCache
from cocomposer.ui.pianoroll.roll import NoteCanvas
from cocomposer.ui.pianoroll.ruler import BarRuler
from cocomposer.ui.pianoroll.tools import EditSettings
from cocomposer.ui.pianoroll.velocity import VelocityLane
from cocomposer.ui.pianoroll.viewport import RollViewport
from cocomposer.ui.playback import PlaybackController

SCROLL_MARGIN_BARS = 8  # room to keep writing past the last note


class PianoRollEditor(QWidget):
    def __init__(self, doc: SongDocument, settings: EditSettings, playback: PlaybackController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.settings, self.playback = doc, settings, playback
        self.viewport = RollViewport(doc.song.ppq, self)
        self.note_index = NoteIndexCache(doc)
        self.canvas = NoteCanvas(doc, self.viewport, settings, self.note_index, playback, self)
        self.keyboard = PianoKeyboard(self.viewport, playback, self)
        self.ruler = BarRuler(doc, self.viewport, settings, playback, self)
        self.velocity_lane = VelocityLane(doc, self.viewport, self.note_index, self)
        self.horizontal_scroll = QScrollBar(Qt.Horizontal, self)
        self.vertical_scroll = QScrollBar(Qt.Vertical, self)

        velocity_label = QLabel("Velocity", self)
        velocity_label.setAlignment(Qt.AlignRight | Qt.AlignTop)
        velocity_label.setFixedWidth(KEYBOARD_WIDTH)
        velocity_label.setStyleSheet(f"color: {theme.DIM_TEXT.name()}; padding: 4px; background: {theme.PANEL.name()};")
        corner = QWidget(self)
        corner.setFixedWidth(KEYBOARD_WIDTH)
        corner.setStyleSheet(f"background: {theme.PANEL.name()};")

        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(corner, 0, 0)
        layout.addWidget(self.ruler, 0, 1)
        layout.addWidget(self.keyboard, 1, 0)
        layout.addWidget(self.canvas, 1, 1)
        layout.addWidget(self.vertical_scroll, 1, 2)
        layout.addWidget(velocity_label, 2, 0)
        layout.addWidget(self.velocity_lane, 2, 1)
        layout.addWidget(self.horizontal_scroll, 3, 1)
        layout.setRowStretch(1, 1)
        layout.setColumnStretch(1, 1)

        self.horizontal_scroll.valueChanged.connect(lambda v: self.viewport.set_left_tick(float(v)))
        self.vertical_scroll.valueChanged.connect(lambda v: self.viewport.set_top_y(float(v)))
        self.viewport.changed.connect(self._sync_scroll_bars)
        doc.notes_changed.connect(self._sync_scroll_bars)
        doc.song_replaced.connect(self._on_song_replaced)
        playback.playhead_moved.connect(self._follow_playhead)
        self._sync_scroll_bars()

    def _sync_scroll_bars(self, *_) -> None:
        vp, song = self.viewport, self.doc.song
        start, end = vp.visible_ticks()
        page = int(end - start)
        song_end = self.note_index.song_end()
        margin = song.meter.ticks_per_bar(song.meter.signature_at(song_end)) * SCROLL_MARGIN_BARS
        horizontal, vertical = self.horizontal_scroll, self.vertical_scroll
        for bar, low, high, step, value in (
            (horizontal, 0, max(song_end + margin - page, int(start)), max(page // 8, 1), int(start)),
            (vertical, 0, max(int(vp.content_height - vp.height), 0), int(vp.row_height * 3), int(vp.top_y)),
        ):
            bar.blockSignals(True)
            bar.setRange(low, high)
            bar.setPageStep(page if bar is horizontal else vp.height)
            bar.setSingleStep(step)
            bar.setValue(value)
            bar.blockSignals(False)

    def _follow_playhead(self, tick: int) -> None:
        if self.playback.is_playing:
            self.viewport.ensure_tick_visible(tick)

    def _on_song_replaced(self) -> None:
        self.viewport.ppq = self.doc.song.ppq
        self.viewport.pixels_per_tick = 48.0 / self.doc.song.ppq
        self.viewport.set_left_tick(0)
        self.show_notes_of_current_track()
        self._sync_scroll_bars()

    def show_notes_of_current_track(self) -> None:
        """Centre the view vertically on the current track's notes (or middle C)."""
        track = self.doc.current_track
        pitches = [n.pitch for n in track.notes[:2000]] if track and track.notes else [60]
        self.viewport.center_on_pitch((min(pitches) + max(pitches)) / 2)

    def zoom_in(self) -> None:
        self.viewport.zoom_time(1.25)

    def zoom_out(self) -> None:
        self.viewport.zoom_time(0.8)

    def zoom_to_song(self) -> None:
        """Fit the whole song in the width of the view."""
        length = max(self.note_index.song_end(), self.doc.song.ppq * 16)
        self.viewport.zoom_time(self.viewport.width / length / self.viewport.pixels_per_tick)
        self.viewport.set_left_tick(0)
