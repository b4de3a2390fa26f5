"""The piano roll's current tool (draw, select, erase) and snap value, shared by the canvas and the menus."""

from __future__ import annotations

import enum

from PySide6.QtCore import QObject, Signal

from cocomposer.core import Song
from cocomposer.ui.pianoroll.viewport import DEFAULT_SNAP, SNAP_VALUES, SnapValue


class Tool(enum.Enum):
    DRAW = "draw"
    SELECT = "select"
    ERASE = "erase"


class EditSettings(QObject):
    """Which tool the mouse uses and which grid edits snap to."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tool = Tool.SELECT
        self.snap: SnapValue = DEFAULT_SNAP

    def set_tool(self, tool: Tool) -> None:
        if tool != self.tool:
            self.tool = tool
            self.changed.emit()

    def set_snap(self, snap: SnapValue) -> None:
        if snap != self.snap:
            self.snap = snap
            self.changed.emit()

    def set_snap_label(self, label: str) -> None:
        self.set_snap(next(s for s in SNAP_VALUES if s.label == label))

    def grid_ticks(self, song: Song, at_tick: int = 0) -> int:
        return self.snap.ticks(song, at_tick)
