"""Pure note arithmetic the editor's commands share: snapping to a grid, quantizing, transposing.

Times are ticks; a grid of 0 ticks means "snap off". Nothing here mutates a track: each helper returns
new Notes so an undo command can keep the old ones.
"""

from __future__ import annotations

from typing import Iterable

from cocomposer.core.song import Note
from cocomposer.core.timing import PITCH_CLASS_NAMES


def snap_tick(tick: float, grid_ticks: int) -> int:
    """`tick` rounded to the nearest multiple of `grid_ticks` (no rounding when the grid is off)."""
    if grid_ticks <= 0:
        return max(int(round(tick)), 0)
    return max(int(round(tick / grid_ticks)) * grid_ticks, 0)


def snap_tick_down(tick: float, grid_ticks: int) -> int:
    """The grid line at or before `tick`: where a click inside a grid cell places a new note."""
    if grid_ticks <= 0:
        return max(int(tick), 0)
    return max(int(tick // grid_ticks) * grid_ticks, 0)


def quantize_note(note: Note, grid_ticks: int, starts: bool = True, lengths: bool = False) -> Note:
    """`note` with its start and/or length moved to the grid; a length never shrinks below one grid step."""
    if grid_ticks <= 0:
        return note
    start = snap_tick(note.start, grid_ticks) if starts else note.start
    duration = max(snap_tick(note.duration, grid_ticks), grid_ticks) if lengths else note.duration
    return note.moved(start=start, duration=duration)


def start_moved(note: Note, ticks: int, min_ticks: int = 1) -> Note:
    """`note` with its start `ticks` later (earlier when negative) and its end kept: its left edge dragged.
    The start stays at or after tick 0 and at least `min_ticks` before the end."""
    start = max(min(note.start + ticks, note.end - min_ticks), 0)
    return note.moved(start=start, duration=note.end - start)


def can_shift(notes: Iterable[Note], ticks: int = 0, semitones: int = 0) -> bool:
    """True when every note stays inside the MIDI range and after tick 0 when shifted."""
    return all(n.start + ticks >= 0 and 0 <= n.pitch + semitones <= 127 for n in notes)


def shifted(notes: Iterable[Note], ticks: int = 0, semitones: int = 0) -> list[Note]:
    """The notes moved by `ticks` in time and `semitones` in pitch (callers check `can_shift` first)."""
    return [n.moved(start=n.start + ticks, pitch=n.pitch + semitones) for n in notes]


def span(notes: Iterable[Note]) -> tuple[int, int]:
    """(first start, last end) of the notes in ticks; (0, 0) for none."""
    notes = list(notes)
    if not notes:
        return 0, 0
    return min(n.start for n in notes), max(n.end for n in notes)


def pitch_name(pitch: int) -> str:
    """Scientific pitch name with middle C (60) as C4, e.g. 61 -> 'C#4'."""
    return f"{PITCH_CLASS_NAMES[pitch % 12]}{pitch // 12 - 1}"


def rescaled_notes(notes: Iterable[Note], from_ppq: int, to_ppq: int) -> list[Note]:
    """Notes re-timed from one PPQ to another (importing a MIDI file into a song of a different PPQ)."""
    if from_ppq == to_ppq:
        return list(notes)
    scale = to_ppq / from_ppq
    return [n.moved(start=int(round(n.start * scale)), duration=max(int(round(n.duration * scale)), 1)) for n in notes]
