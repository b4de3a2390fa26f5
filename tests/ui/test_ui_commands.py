"""Undo commands on a SongDocument without any widget: each is one step that undoes exactly."""

from __future__ import annotations

from cocomposer.core import Note, TempoChange
from cocomposer.ui import commands
from cocomposer.ui.commands import EditNotesCommand, NoteChange, TrackFieldsCommand
from cocomposer.ui.document import SongDocument
from ui_helpers import build_song


def test_a_change_on_several_tracks_is_one_step(qtbot):
    doc = SongDocument(build_song())
    melody, bass = doc.song.tracks
    changed = []
    doc.notes_changed.connect(changed.append)
    suggestion = EditNotesCommand(doc, "Accept suggestion", [
        NoteChange(melody, (melody.notes[3],), (Note(67, 1440, 480, 90),)),
        NoteChange(bass, (), (Note(43, 1920, 960, 80),)),
    ])
    doc.push(suggestion)
    assert Note(67, 1440, 480, 90) in melody.notes and len(bass.notes) == 2
    assert changed == [melody, bass] and doc.is_dirty
    doc.undo_stack.undo()
    assert Note(65, 1440, 480, 90) in melody.notes and len(bass.notes) == 1
    assert doc.undo_stack.count() == 1 and not doc.is_dirty


def test_undo_restores_the_selection_it_changed(qtbot):
    doc = SongDocument(build_song())
    melody = doc.song.tracks[0]
    doc.set_selection(melody.notes[:2])
    doc.push(commands.move_notes(doc, melody, list(doc.selection), 0, 12))
    assert {n.pitch for n in doc.selection} == {72, 74}
    doc.undo_stack.undo()
    assert {n.pitch for n in doc.selection} == {60, 62}


def test_moves_out_of_range_are_refused(qtbot):
    doc = SongDocument(build_song())
    melody = doc.song.tracks[0]
    assert commands.move_notes(doc, melody, melody.notes, -1, 0) is None
    assert commands.move_notes(doc, melody, melody.notes, 0, 63) is None


def test_duplicate_rounds_the_gap_up_to_the_grid(qtbot):
    doc = SongDocument(build_song())
    melody = doc.song.tracks[0]
    doc.push(commands.duplicate_notes(doc, melody, [Note(60, 0, 300, 90)], 480))
    assert Note(60, 480, 300, 90) in melody.notes


def test_slider_drags_merge_into_one_step(qtbot):
    doc = SongDocument(build_song())
    bass = doc.song.tracks[1]
    drag = object()
    for volume in (90, 80, 70):
        doc.push(TrackFieldsCommand(doc, bass, "Volume", drag, volume=volume))
    doc.push(TrackFieldsCommand(doc, bass, "Volume", object(), volume=60))
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    assert bass.volume == 70
    doc.undo_stack.undo()
    assert bass.volume == 100


def test_timing_command_keeps_later_tempo_changes(qtbot):
    song = build_song()
    song.tempo_map.set_changes([TempoChange(0, 120.0), TempoChange(1920, 60.0)])
    doc = SongDocument(song)
    doc.push(commands.SetTimingCommand(doc, "Tempo", tempos=[TempoChange(0, 90.0), TempoChange(1920, 60.0)]))
    assert [c.bpm for c in song.tempos] == [90.0, 60.0]
    doc.undo_stack.undo()
    assert [c.bpm for c in song.tempos] == [120.0, 60.0]


def test_resizing_starts_keeps_ends_and_minimum_length(qtbot):
    doc = SongDocument(build_song())
    melody = doc.song.tracks[0]
    first, second = melody.notes[:2]  # (60, 0, 480) and (62, 480, 480)
    assert commands.resize_note_starts(doc, melody, [first], -120, 1) is None  # already at tick 0
    doc.push(commands.resize_note_starts(doc, melody, [first, second], 600, 10))
    assert Note(60, 470, 10, 90) in melody.notes and Note(62, 950, 10, 90) in melody.notes
    doc.undo_stack.undo()
    assert first in melody.notes and second in melody.notes and len(melody.notes) == 4
