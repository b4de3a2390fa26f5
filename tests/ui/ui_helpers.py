"""Helpers the editor tests share: a small known song and where its notes are on screen."""

from __future__ import annotations

from PySide6.QtCore import QPoint

from cocomposer.core import KeySignature, Note, Song, Track
from cocomposer.ui.main_window import MainWindow


def build_song() -> Song:
    """Two tracks in C major: a four-note melody (quarter notes, bar 1) and a bass note."""
    melody = Track("Melody", program=0, channel=0, color="#e0566b",
                   notes=[Note(60, 0, 480, 90), Note(62, 480, 480, 90), Note(64, 960, 480, 90), Note(65, 1440, 480, 90)])
    bass = Track("Bass", program=33, channel=1, color="#4a90d9", notes=[Note(36, 0, 1920, 100)])
    return Song(tracks=[melody, bass], keys=[KeySignature(0)])


def roll_point(window: MainWindow, tick: float, pitch: int, x_offset: float = 2.0) -> QPoint:
    """Canvas pixel just inside `pitch`'s row, `x_offset` pixels after `tick`."""
    viewport = window.editor.viewport
    return QPoint(int(viewport.tick_to_x(tick) + x_offset), int(viewport.pitch_to_y(pitch) + viewport.row_height / 2))


def melody(window: MainWindow) -> Track:
    return window.doc.song.tracks[0]
