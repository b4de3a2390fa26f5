"""Every edit to the song as one QUndoCommand: pure changes to core objects through SongDocument.

Builders at the bottom turn editor gestures (move, resize, quantize, paste...) into one command each,
so a whole drag or a whole AI suggestion is a single undo step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from PySide6.QtGui import QUndoCommand

from cocomposer.core import KeySignature, Note, TempoChange, TimeSignature, Track
from cocomposer.core.song import DRUM_CHANNEL
from cocomposer.core.editing import can_shift, quantize_note, shifted, span, start_moved
from cocomposer.ui.document import SongDocument

_MERGE_TRACK_FIELD = 0x7101  # QUndoCommand.id() for slider-style track edits that merge while dragging


@dataclass(frozen=True)
class NoteChange:
    """On `track`, the notes `removed` give way to the notes `added`."""

    track: Track
    removed: tuple[Note, ...]
    added: tuple[Note, ...]


class EditNotesCommand(QUndoCommand):
    """Replace notes by others on one or more tracks as one step.

    Add, delete, move, resize, velocity, quantize, paste... are all this; so is accepting a four-part
    AI suggestion, which changes several tracks at once.
    """

    def __init__(self, doc: SongDocument, text: str, changes: Sequence[NoteChange]) -> None:
        super().__init__(text)
        self.doc, self.changes = doc, list(changes)

    def redo(self) -> None:
        for change in self.changes:
            self.doc.replace_notes(change.track, change.removed, change.added)

    def undo(self) -> None:
        for change in reversed(self.changes):
            self.doc.replace_notes(change.track, change.added, change.removed)


def edit_notes(doc: SongDocument, text: str, track: Track, removed: Iterable[Note], added: Iterable[Note]) -> EditNotesCommand:
    """One-track EditNotesCommand: what almost every gesture is."""
    return EditNotesCommand(doc, text, [NoteChange(track, tuple(removed), tuple(added))])


class TrackFieldsCommand(QUndoCommand):
    """Change fields of one Track (name, program, mute, solo, volume, pan, colour, voice, lock...).

    Commands with the same non-None `merge_key` on the same track and fields merge: one slider drag
    passes one key for all its steps, so the whole drag is one undo step.
    """

    def __init__(self, doc: SongDocument, track: Track, text: str, merge_key: object = None, **fields) -> None:
        super().__init__(text)
        self.doc, self.track, self.merge_key = doc, track, merge_key
        self.new = dict(fields)
        self.old = {name: getattr(track, name) for name in fields}

    def id(self) -> int:
        return _MERGE_TRACK_FIELD if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (not isinstance(other, TrackFieldsCommand) or other.merge_key != self.merge_key
                or other.track is not self.track or other.new.keys() != self.new.keys()):
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.doc.set_track_fields(self.track, self.new)

    def undo(self) -> None:
        self.doc.set_track_fields(self.track, self.old)


class InsertTracksCommand(QUndoCommand):
    """Add tracks at a position (new track, imported MIDI, duplicated track)."""

    def __init__(self, doc: SongDocument, tracks: Sequence[Track], index: int, text: str) -> None:
        super().__init__(text)
        self.doc, self.tracks, self.index = doc, list(tracks), index
        self.previous_current = doc.current_track

    def redo(self) -> None:
        self.doc.insert_tracks(self.index, self.tracks)

    def undo(self) -> None:
        self.doc.remove_tracks(self.tracks)
        if self.previous_current in self.doc.song.tracks:
            self.doc.set_current_track(self.previous_current)


class RemoveTrackCommand(QUndoCommand):
    def __init__(self, doc: SongDocument, track: Track) -> None:
        super().__init__(f"Remove track {track.name}")
        self.doc, self.track = doc, track
        self.index = doc.song.tracks.index(track)

    def redo(self) -> None:
        self.doc.remove_tracks([self.track])

    def undo(self) -> None:
        self.doc.insert_tracks(self.index, [self.track])


class MoveTrackCommand(QUndoCommand):
    def __init__(self, doc: SongDocument, track: Track, to_index: int) -> None:
        super().__init__(f"Move track {track.name}")
        self.doc, self.track = doc, track
        self.from_index, self.to_index = doc.song.tracks.index(track), to_index

    def redo(self) -> None:
        self.doc.move_track(self.track, self.to_index)

    def undo(self) -> None:
        self.doc.move_track(self.track, self.from_index)


class SetTimingCommand(QUndoCommand):
    """Replace the tempo map, meter and/or key list (any left as None stays as it is)."""

    def __init__(self, doc: SongDocument, text: str, tempos: list[TempoChange] | None = None,
                 signatures: list[TimeSignature] | None = None, keys: list[KeySignature] | None = None) -> None:
        super().__init__(text)
        song = doc.song
        self.doc = doc
        self.old = (list(song.tempos), list(song.time_signatures), list(song.keys))
        self.new = (list(tempos) if tempos is not None else self.old[0],
                    list(signatures) if signatures is not None else self.old[1],
                    list(keys) if keys is not None else self.old[2])

    def redo(self) -> None:
        self.doc.set_timing(*self.new)

    def undo(self) -> None:
        self.doc.set_timing(*self.old)


# --- builders: one gesture -> one command ----------------------------------------------------

def add_notes(doc: SongDocument, track: Track, notes: Sequence[Note], text: str = "Add note") -> EditNotesCommand:
    return edit_notes(doc, text, track, [], notes)


def delete_notes(doc: SongDocument, track: Track, notes: Sequence[Note]) -> EditNotesCommand:
    return edit_notes(doc, "Delete notes" if len(notes) > 1 else "Delete note", track, notes, [])


def move_notes(doc: SongDocument, track: Track, notes: Sequence[Note], ticks: int, semitones: int,
               text: str = "Move notes") -> EditNotesCommand | None:
    """None when the move would push a note before tick 0 or out of the MIDI pitch range."""
    if (ticks == 0 and semitones == 0) or not can_shift(notes, ticks, semitones):
        return None
    return edit_notes(doc, text, track, notes, shifted(notes, ticks, semitones))


def resize_notes(doc: SongDocument, track: Track, notes: Sequence[Note], delta_ticks: int, min_ticks: int) -> EditNotesCommand | None:
    """Lengthen or shorten every note by `delta_ticks`, never below `min_ticks`."""
    resized = [n.moved(duration=max(n.duration + delta_ticks, min_ticks)) for n in notes]
    if resized == list(notes):
        return None
    return edit_notes(doc, "Resize notes", track, notes, resized)


def resize_note_starts(doc: SongDocument, track: Track, notes: Sequence[Note], delta_ticks: int,
                       min_ticks: int) -> EditNotesCommand | None:
    """Move every note's start by `delta_ticks` keeping its end (left edges dragged), never below `min_ticks` long."""
    resized = [start_moved(n, delta_ticks, min_ticks) for n in notes]
    if resized == list(notes):
        return None
    return edit_notes(doc, "Resize notes", track, notes, resized)


def set_velocities(doc: SongDocument, track: Track, velocities: dict[Note, int]) -> EditNotesCommand | None:
    changed = {n: v for n, v in velocities.items() if n.velocity != v}
    if not changed:
        return None
    return edit_notes(doc, "Change velocity", track, list(changed), [n.moved(velocity=v) for n, v in changed.items()])


def quantize_notes(doc: SongDocument, track: Track, notes: Sequence[Note], grid_ticks: int,
                   starts: bool = True, lengths: bool = True) -> EditNotesCommand | None:
    quantized = [quantize_note(n, grid_ticks, starts, lengths) for n in notes]
    if quantized == list(notes):
        return None
    return edit_notes(doc, "Quantize", track, notes, quantized)


def duplicate_notes(doc: SongDocument, track: Track, notes: Sequence[Note], step_ticks: int) -> EditNotesCommand | None:
    """Copies of the notes placed right after them, the gap rounded up to `step_ticks` (the grid)."""
    if not notes:
        return None
    first, last = span(notes)
    length = last - first
    if step_ticks > 0:
        length = -(-length // step_ticks) * step_ticks
    return edit_notes(doc, "Duplicate", track, [], shifted(notes, ticks=length))


def paste_notes(doc: SongDocument, track: Track, clipboard: Sequence[Note], at_tick: int) -> EditNotesCommand | None:
    """Clipboard notes placed so the earliest starts at `at_tick` (the playhead)."""
    if not clipboard:
        return None
    first, _ = span(clipboard)
    return edit_notes(doc, "Paste", track, [], [replace(n, start=n.start - first + at_tick) for n in clipboard])


def set_lock(doc: SongDocument, track: Track, notes: Sequence[Note], locked: bool) -> EditNotesCommand | None:
    targets = [n for n in notes if n.locked != locked]
    if not targets:
        return None
    return edit_notes(doc, "Lock notes" if locked else "Unlock notes", track, targets,
                      [n.moved(locked=locked) for n in targets])


def add_track(doc: SongDocument, color: str, index: int | None = None) -> InsertTracksCommand:
    """A new empty piano track on a free MIDI channel, after the current track by default."""
    song = doc.song
    if index is None:
        current = doc.current_track
        index = song.tracks.index(current) + 1 if current in song.tracks else len(song.tracks)
    track = Track(name=f"Track {len(song.tracks) + 1}", channel=song.free_channel(), color=color)
    return InsertTracksCommand(doc, [track], index, "Add track")


def set_instrument(doc: SongDocument, track: Track, program: int | None) -> TrackFieldsCommand:
    """GM `program` 0-127, or None for the drum kit (which lives on the GM percussion channel)."""
    if program is None:
        return TrackFieldsCommand(doc, track, "Set instrument", is_drum=True, channel=DRUM_CHANNEL)
    channel = track.channel if not track.is_drum else doc.song.free_channel()
    return TrackFieldsCommand(doc, track, "Set instrument", is_drum=False, program=program, channel=channel)
