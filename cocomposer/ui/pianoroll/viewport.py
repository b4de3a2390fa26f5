"""What part of the song the piano roll shows (zoom and scroll) and the snap grid it edits on.

The canvas, keyboard, ruler and velocity lane all map ticks and pitches to pixels through one
RollViewport, so they scroll and zoom together.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from cocomposer.core import Song

PITCH_COUNT = 128


@dataclass(frozen=True)
class SnapValue:
    """One entry of the snap menu: a fraction of a whole note, a whole bar, or no snapping."""

    label: str
    whole_fraction: float | None = None  # 1/4 = a quarter note; None with bar=False = snap off
    bar: bool = False

    def ticks(self, song: Song, at_tick: int = 0) -> int:
        """Grid step in ticks at `at_tick` (bars follow the meter there); 0 when snapping is off."""
        if self.bar:
            return song.meter.ticks_per_bar(song.meter.signature_at(max(at_tick, 0)))
        if self.whole_fraction is None:
            return 0
        return max(int(round(song.ppq * 4 * self.whole_fraction)), 1)


SNAP_VALUES: tuple[SnapValue, ...] = (
    SnapValue("1 bar", bar=True),
    SnapValue("1/2", 1 / 2),
    SnapValue("1/4", 1 / 4),
    SnapValue("1/8", 1 / 8),
    SnapValue("1/16", 1 / 16),
    SnapValue("1/32", 1 / 32),
    SnapValue("1/64", 1 / 64),
    SnapValue("1/2 triplet", 1 / 3),
    SnapValue("1/4 triplet", 1 / 6),
    SnapValue("1/8 triplet", 1 / 12),
    SnapValue("1/16 triplet", 1 / 24),
    SnapValue("1/32 triplet", 1 / 48),
    SnapValue("Off"),
)
DEFAULT_SNAP = SNAP_VALUES[4]  # 1/16


class RollViewport(QObject):
    """Zoom (pixels per tick, pixels per semitone row) and scroll (first tick, top pixel) of the roll."""

    changed = Signal()

    MIN_ROW_HEIGHT, MAX_ROW_HEIGHT = 5.0, 40.0
    QUARTER_WIDTH_RANGE = (3.0, 800.0)  # pixels a quarter note may take, zoomed out .. in

    def __init__(self, ppq: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ppq = ppq
        self.pixels_per_tick = 48.0 / ppq
        self.row_height = 14.0
        self.left_tick = 0.0
        self.top_y = (127 - 84) * self.row_height  # C6 near the top: where melodies live
        self.width = 800
        self.height = 400

    # --- mapping ---------------------------------------------------------------------------
    def tick_to_x(self, tick: float) -> float:
        return (tick - self.left_tick) * self.pixels_per_tick

    def x_to_tick(self, x: float) -> float:
        return x / self.pixels_per_tick + self.left_tick

    def pitch_to_y(self, pitch: int) -> float:
        """Top edge of `pitch`'s row."""
        return (127 - pitch) * self.row_height - self.top_y

    def y_to_pitch(self, y: float) -> int:
        return 127 - int((y + self.top_y) // self.row_height)

    @property
    def content_height(self) -> float:
        return PITCH_COUNT * self.row_height

    def visible_ticks(self) -> tuple[float, float]:
        return self.left_tick, self.left_tick + self.width / self.pixels_per_tick

    def visible_pitches(self) -> tuple[int, int]:
        """(lowest, highest) pitch with any part of its row on screen, clamped to 0..127."""
        return max(self.y_to_pitch(self.height), 0), min(self.y_to_pitch(0), 127)

    # --- changing the view -----------------------------------------------------------------
    def set_size(self, width: int, height: int) -> None:
        """The roll's size in pixels; the pitch at the vertical centre stays there as the height changes."""
        if (width, height) != (self.width, self.height):
            top = self.top_y + (self.height - height) / 2
            self.width, self.height = width, height
            self._move_top_and_notify(top)

    def set_left_tick(self, tick: float) -> None:
        tick = max(tick, 0.0)
        if tick != self.left_tick:
            self.left_tick = tick
            self.changed.emit()

    def set_top_y(self, y: float) -> None:
        y = min(max(y, 0.0), max(self.content_height - self.height, 0.0))
        if y != self.top_y:
            self.top_y = y
            self.changed.emit()

    def _move_top_and_notify(self, y: float) -> None:
        """Clamp and set the top after a size or zoom change, announcing it even if the top stayed."""
        self.top_y = min(max(y, 0.0), max(self.content_height - self.height, 0.0))
        self.changed.emit()

    def scroll_ticks(self, ticks: float) -> None:
        self.set_left_tick(self.left_tick + ticks)

    def scroll_pixels(self, dy: float) -> None:
        self.set_top_y(self.top_y + dy)

    def zoom_time(self, factor: float, anchor_x: float | None = None) -> None:
        """Zoom horizontally by `factor`, keeping the tick under `anchor_x` (default: left edge) in place."""
        anchor_x = 0.0 if anchor_x is None else anchor_x
        anchor_tick = self.x_to_tick(anchor_x)
        low, high = (w / self.ppq for w in self.QUARTER_WIDTH_RANGE)
        self.pixels_per_tick = min(max(self.pixels_per_tick * factor, low), high)
        self.left_tick = max(anchor_tick - anchor_x / self.pixels_per_tick, 0.0)
        self.changed.emit()

    def zoom_pitch(self, factor: float, anchor_y: float | None = None) -> None:
        anchor_y = self.height / 2 if anchor_y is None else anchor_y
        anchor_row = (anchor_y + self.top_y) / self.row_height
        self.row_height = min(max(self.row_height * factor, self.MIN_ROW_HEIGHT), self.MAX_ROW_HEIGHT)
        self._move_top_and_notify(anchor_row * self.row_height - anchor_y)

    def ensure_tick_visible(self, tick: float, margin: float = 0.1) -> None:
        """Page the view so `tick` is on screen (used to follow the playhead)."""
        start, end = self.visible_ticks()
        span = end - start
        if tick < start or tick > end - span * margin:
            self.set_left_tick(max(tick - span * margin, 0.0))

    def center_on_pitch(self, pitch: float) -> None:
        self.set_top_y((127.5 - pitch) * self.row_height - self.height / 2)
