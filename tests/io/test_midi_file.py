"""MIDI import and export: round trips, what other readers see, and the tricky event layouts."""

from __future__ import annotations

from collections import defaultdict, deque
from pathlib import Path

import mido
import pretty_midi
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocomposer.core import KeySignature, Note, Song, TempoChange, TimeSignature, Track, VoiceRole
from cocomposer.io.midi_file import load_midi, save_midi, song_to_midi_file
from midi_bytes import midi_bytes, off, on, with_division
from song_strategies import songs

ROUND_TRIP_SETTINGS = settings(max_examples=60, deadline=None,
                               suppress_health_check=[HealthCheck.function_scoped_fixture])


def playable(notes: list[Note]) -> list[tuple[int, int, int, int]]:
    """What a MIDI file can hold: same-pitch overlaps cut where the next note starts (reference version)."""
    by_pitch: dict[int, list[Note]] = defaultdict(list)
    for note in notes:
        by_pitch[note.pitch].append(note)
    result = []
    for pitch, group in by_pitch.items():
        group.sort(key=lambda n: (n.start, n.end))
        for index, note in enumerate(group):
            end = note.end if index + 1 == len(group) else min(note.end, group[index + 1].start)
            if end > note.start:
                result.append((pitch, note.start, end - note.start, note.velocity))
    return sorted(result)


def note_tuples(track: Track) -> list[tuple[int, int, int, int]]:
    return sorted((n.pitch, n.start, n.duration, n.velocity) for n in track.notes)


def write(tmp_path: Path, data: bytes, name: str = "song.mid") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- round trips ---------------------------------------------------------------------------------

@ROUND_TRIP_SETTINGS
@given(song=songs())
def test_export_then_import_gives_back_the_song(tmp_path: Path, song: Song) -> None:
    path = tmp_path / "round_trip.mid"
    save_midi(song, path)
    loaded = load_midi(path)

    assert loaded.ppq == song.ppq
    assert loaded.title == song.title
    assert [(t.tick, pytest.approx(t.bpm, abs=1e-3)) for t in loaded.tempos] == [(t.tick, t.bpm) for t in song.tempos]
    assert loaded.time_signatures == song.time_signatures
    assert loaded.keys == song.keys
    assert len(loaded.tracks) == len(song.tracks)
    for original, back in zip(song.tracks, loaded.tracks):
        assert (back.name, back.program, back.channel, back.is_drum, back.volume, back.pan) == \
               (original.name, original.program, original.channel, original.is_drum, original.volume, original.pan)
        assert note_tuples(back) == playable(original.notes)


@ROUND_TRIP_SETTINGS
@given(song=songs())
def test_exported_file_reads_the_same_in_pretty_midi(tmp_path: Path, song: Song) -> None:
    path = tmp_path / "for_pretty_midi.mid"
    save_midi(song, path)
    loaded = load_midi(path)
    midi = pretty_midi.PrettyMIDI(str(path))

    ours = {(t.name, t.program, t.is_drum): sorted(
        (n.pitch, song.tick_to_seconds(n.start), song.tick_to_seconds(n.end), n.velocity) for n in t.notes)
        for t in loaded.tracks if t.notes}
    theirs = {(i.name, i.program, i.is_drum): sorted((n.pitch, n.start, n.end, n.velocity) for n in i.notes)
              for i in midi.instruments}
    assert ours.keys() == theirs.keys()
    for part, notes in ours.items():
        assert len(notes) == len(theirs[part])
        for mine, other in zip(notes, theirs[part]):
            assert mine[0] == other[0] and mine[3] == other[3]
            # The file stores tempo in whole microseconds per quarter: up to 2 ppm off the song's bpm.
            assert mine[1] == pytest.approx(other[1], rel=1e-5, abs=1e-6)
            assert mine[2] == pytest.approx(other[2], rel=1e-5, abs=1e-6)


@ROUND_TRIP_SETTINGS
@given(song=songs())
def test_exported_file_reads_the_same_in_mido(tmp_path: Path, song: Song) -> None:
    path = tmp_path / "for_mido.mid"
    save_midi(song, path)
    midi = mido.MidiFile(path)
    assert midi.type == 1 and midi.ticks_per_beat == song.ppq
    assert len(midi.tracks) == len(song.tracks) + 1  # the conductor track comes first

    for track, midi_track in zip(song.tracks, midi.tracks[1:]):
        sounding: dict[int, deque[tuple[int, int]]] = defaultdict(deque)
        notes, tick = [], 0
        for message in midi_track:
            tick += message.time
            if message.type == "note_on" and message.velocity > 0:
                sounding[message.note].append((tick, message.velocity))
            elif message.type in ("note_on", "note_off"):
                start, velocity = sounding[message.note].popleft()
                notes.append((message.note, start, tick - start, velocity))
        assert not any(sounding.values())
        assert sorted(notes) == playable(track.notes)


def test_export_writes_conductor_names_programs_and_mix(tmp_path: Path) -> None:
    song = Song(title="Chorale", tempos=[TempoChange(0, 90.0), TempoChange(1920, 60.0)],
                time_signatures=[TimeSignature(0, 3, 4)], keys=[KeySignature(0, 9, "minor")])
    song.tracks = [Track("Oboe", program=68, channel=2, volume=80, pan=20, notes=[Note(69, 0, 480)]),
                   Track("Kit", channel=9, is_drum=True, notes=[Note(36, 0, 120)])]
    midi = song_to_midi_file(song)
    conductor = [m for m in midi.tracks[0] if m.is_meta]
    assert [m.type for m in conductor] == ["track_name", "time_signature", "key_signature", "set_tempo", "set_tempo",
                                           "end_of_track"]
    assert conductor[0].name == "Chorale" and conductor[2].key == "Am" and conductor[3].tempo == 666_667
    oboe = midi.tracks[1]
    assert oboe[0].name == "Oboe"
    assert (oboe[1].type, oboe[1].program, oboe[1].channel) == ("program_change", 68, 2)
    assert [(m.control, m.value) for m in oboe if m.type == "control_change"] == [(7, 80), (10, 20)]
    assert all(m.channel == 9 for m in midi.tracks[2] if not m.is_meta)


def test_note_offs_are_written_as_note_on_velocity_zero_with_running_status(tmp_path: Path) -> None:
    song = Song(tracks=[Track("Scale", notes=[Note(60 + i, i * 240, 240) for i in range(8)])])
    path = tmp_path / "scale.mid"
    save_midi(song, path)
    track_messages = mido.MidiFile(path).tracks[1]
    assert {m.type for m in track_messages if not m.is_meta} == {"program_change", "control_change", "note_on"}
    # Running status: only the first of the 16 note events carries the note-on status byte 0x90.
    note_track_chunk = path.read_bytes().rsplit(b"MTrk", 1)[1]
    assert note_track_chunk.count(0x90) == 1


@pytest.mark.parametrize("name", ["Flûte à bec", "♪ Sopran", "ピアノ", "Ã© looks like UTF-8", "Oboe"])
def test_track_names_in_any_script_come_back(tmp_path: Path, name: str) -> None:
    song = Song(title=name, tracks=[Track(name, notes=[Note(60, 0, 480)])])
    path = tmp_path / "names.mid"
    save_midi(song, path)
    loaded = load_midi(path)
    assert (loaded.title, loaded.tracks[0].name) == (name, name)


def test_utf8_and_latin1_names_from_other_programs_are_read(tmp_path: Path) -> None:
    latin1 = mido.MetaMessage("track_name", name="Fl\u00fbte")  # mido writes latin-1 bytes
    utf8 = mido.MetaMessage("track_name", name="Fl\u00fbte".encode("utf-8").decode("latin-1"))
    data = midi_bytes([[latin1, on(60), off(60, 10)], [utf8, on(60), off(60, 10)]])
    assert [t.name for t in load_midi(write(tmp_path, data)).tracks] == ["Flûte", "Flûte"]


def test_melodic_track_on_the_drum_channel_is_moved_so_it_does_not_turn_into_drums(tmp_path: Path) -> None:
    song = Song(tracks=[Track("Piano", channel=9, notes=[Note(60, 0, 480)])])
    path = tmp_path / "moved.mid"
    save_midi(song, path)
    loaded = load_midi(path)
    assert not loaded.tracks[0].is_drum and loaded.tracks[0].channel != 9


def test_tracks_sharing_a_channel_with_different_sounds_get_their_own(tmp_path: Path) -> None:
    song = Song(tracks=[Track("Piano", program=0, channel=0, notes=[Note(60, 0, 480)]),
                        Track("Piano 2", program=0, channel=0, notes=[Note(64, 0, 480)]),
                        Track("Strings", program=48, channel=0, notes=[Note(67, 0, 480)])])
    path = tmp_path / "shared.mid"
    save_midi(song, path)
    assert [(t.name, t.channel, t.program) for t in load_midi(path).tracks] == [
        ("Piano", 0, 0), ("Piano 2", 0, 0), ("Strings", 1, 48)]


def test_same_pitch_overlap_is_cut_where_the_next_note_starts(tmp_path: Path) -> None:
    song = Song(tracks=[Track("Overlap", notes=[Note(60, 0, 960), Note(60, 480, 960), Note(60, 480, 100)])])
    path = tmp_path / "overlap.mid"
    save_midi(song, path)
    assert note_tuples(load_midi(path).tracks[0]) == [(60, 0, 480, 96), (60, 480, 960, 96)]


def test_ppq_too_fine_for_midi_is_refused(tmp_path: Path) -> None:
    from cocomposer.io.errors import MidiFileError
    with pytest.raises(MidiFileError, match="PPQ"):
        save_midi(Song(ppq=40_000), tmp_path / "fine.mid")


# --- import of files other programs write --------------------------------------------------------

def test_type_0_is_split_by_channel_with_programs_and_drums(tmp_path: Path) -> None:
    data = midi_bytes([[
        mido.MetaMessage("track_name", name="Tune"),
        mido.Message("program_change", channel=0, program=40),
        mido.Message("program_change", channel=1, program=32),
        on(72, channel=0), on(48, channel=1), on(42, channel=9),
        off(72, 480, channel=0), off(48, 0, channel=1), off(42, 0, channel=9),
    ]], midi_format=0)
    song = load_midi(write(tmp_path, data))
    assert song.title == "Tune"
    assert [(t.name, t.channel, t.program, t.is_drum) for t in song.tracks] == [
        ("Channel 1", 0, 40, False), ("Channel 2", 1, 32, False), ("Channel 10", 9, 0, True)]
    assert [note_tuples(t) for t in song.tracks] == [[(72, 0, 480, 90)], [(48, 0, 480, 90)], [(42, 0, 480, 90)]]


def test_type_1_reads_conductor_tempo_meter_key_and_names(tmp_path: Path) -> None:
    data = midi_bytes([
        [mido.MetaMessage("track_name", name="Song title"),
         mido.MetaMessage("time_signature", numerator=6, denominator=8),
         mido.MetaMessage("key_signature", key="Eb"),
         mido.MetaMessage("set_tempo", tempo=500_000),
         mido.MetaMessage("set_tempo", tempo=1_000_000, time=960),
         mido.MetaMessage("time_signature", numerator=2, denominator=4, time=480),
         mido.MetaMessage("key_signature", key="F#m")],
        [mido.MetaMessage("track_name", name="Soprano"), on(67), off(67, 1440)],
        [mido.MetaMessage("track_name", name="Bass"), on(43, channel=1), off(43, 1440, channel=1)],
    ], ticks_per_beat=240)
    song = load_midi(write(tmp_path, data))
    assert song.ppq == 240 and song.title == "Song title"
    assert song.tempos == [TempoChange(0, 120.0), TempoChange(960, 60.0)]
    assert song.time_signatures == [TimeSignature(0, 6, 8), TimeSignature(1440, 2, 4)]
    assert song.keys == [KeySignature(0, 3, "major"), KeySignature(1440, 6, "minor")]
    assert [(t.name, t.voice) for t in song.tracks] == [("Soprano", VoiceRole.SOPRANO), ("Bass", VoiceRole.BASS)]
    assert song.tick_to_seconds(1440) == pytest.approx(2.0 + 2.0)  # 4 beats at 120 bpm, 2 at 60


def test_type_2_patterns_play_one_after_another(tmp_path: Path) -> None:
    data = midi_bytes([[on(60), off(60, 480)], [on(64), off(64, 240), mido.MetaMessage("end_of_track", time=240)],
                       [on(67), off(67, 480)]], midi_format=2)
    song = load_midi(write(tmp_path, data))
    assert [note_tuples(t) for t in song.tracks] == [[(60, 0, 480, 90)], [(64, 480, 240, 90)], [(67, 960, 480, 90)]]


def test_running_status_is_read(tmp_path: Path) -> None:
    # 0x90 once, then three notes' data bytes without status bytes (running status).
    track = bytes([0x00, 0x90, 60, 100, 0x60, 60, 0, 0x00, 62, 100, 0x60, 62, 0, 0x00, 0xFF, 0x2F, 0x00])
    header = b"MThd" + (6).to_bytes(4, "big") + bytes([0, 0, 0, 1, 0, 96])  # type 0, one track, 96 PPQ
    data = header + b"MTrk" + len(track).to_bytes(4, "big") + track
    song = load_midi(write(tmp_path, data))
    assert note_tuples(song.tracks[0]) == [(60, 0, 96, 100), (62, 96, 96, 100)]


def test_note_on_with_velocity_zero_ends_a_note(tmp_path: Path) -> None:
    data = midi_bytes([[on(60), on(60, 480, velocity=0)]])
    assert note_tuples(load_midi(write(tmp_path, data)).tracks[0]) == [(60, 0, 480, 90)]


def test_overlapping_notes_of_one_pitch_pair_first_in_first_out(tmp_path: Path) -> None:
    data = midi_bytes([[on(60, velocity=50), on(60, 100, velocity=70), off(60, 100), off(60, 100)]])
    assert note_tuples(load_midi(write(tmp_path, data)).tracks[0]) == [(60, 0, 200, 50), (60, 100, 200, 70)]


def test_note_off_without_a_sounding_note_is_ignored(tmp_path: Path) -> None:
    data = midi_bytes([[off(60), off(62, 10), on(60, 10), off(60, 100), off(60, 10), on(60, 10), off(60, 100)]])
    assert note_tuples(load_midi(write(tmp_path, data)).tracks[0]) == [(60, 20, 100, 90), (60, 140, 100, 90)]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(st.tuples(st.integers(0, 50), st.sampled_from([0, 1]), st.sampled_from([60, 61]),
                                 st.integers(0, 2)), max_size=40))
def test_note_pairing_matches_a_first_in_first_out_reference(tmp_path: Path, events) -> None:
    """Random note-ons and -offs (few pitches and channels, so they collide) against a plain-loop reference."""
    messages, sounding, expected, tick = [], defaultdict(deque), defaultdict(list), 0
    for delta, is_on, pitch, channel in events:
        tick += delta
        messages.append(on(pitch, delta, channel=channel, velocity=40 + channel) if is_on
                        else off(pitch, delta, channel=channel))
        if is_on:
            sounding[channel, pitch].append(tick)
        elif sounding[channel, pitch]:
            start = sounding[channel, pitch].popleft()
            expected[channel].append((pitch, start, max(tick - start, 1), 40 + channel))
    messages.append(mido.MetaMessage("end_of_track", time=7))
    for (channel, pitch), starts in sounding.items():
        expected[channel] += [(pitch, start, max(tick + 7 - start, 1), 40 + channel) for start in starts]

    song = load_midi(write(tmp_path, midi_bytes([messages])))
    assert {t.channel: note_tuples(t) for t in song.tracks if t.notes} == \
           {channel: sorted(notes) for channel, notes in expected.items() if notes}


def test_note_never_switched_off_ends_at_the_end_of_its_track(tmp_path: Path) -> None:
    data = midi_bytes([[on(60), on(64, 480), off(64, 480), mido.MetaMessage("end_of_track", time=960)]])
    assert note_tuples(load_midi(write(tmp_path, data)).tracks[0]) == [(60, 0, 1920, 90), (64, 480, 480, 90)]


def test_note_switched_off_as_it_starts_lasts_one_tick(tmp_path: Path) -> None:
    data = midi_bytes([[on(38, channel=9), off(38, channel=9), mido.MetaMessage("end_of_track", time=480)]])
    assert note_tuples(load_midi(write(tmp_path, data)).tracks[0]) == [(38, 0, 1, 90)]


def test_program_in_a_setup_track_applies_to_the_notes_track(tmp_path: Path) -> None:
    data = midi_bytes([[mido.Message("program_change", channel=3, program=19),
                        mido.Message("control_change", channel=3, control=7, value=55)],
                       [mido.MetaMessage("track_name", name="Organ"), on(60, channel=3), off(60, 480, channel=3)]])
    track = load_midi(write(tmp_path, data)).tracks[-1]
    assert (track.name, track.program, track.volume) == ("Organ", 19, 55)


def test_a_part_that_changes_instrument_mid_song_becomes_one_track_per_instrument(tmp_path: Path) -> None:
    data = midi_bytes([[mido.MetaMessage("track_name", name="Lead"), mido.Message("program_change", program=0),
                        on(60), off(60, 480), mido.Message("program_change", program=40), on(62), off(62, 480),
                        mido.Message("program_change", program=0), on(64), off(64, 480)]])
    tracks = load_midi(write(tmp_path, data)).tracks
    assert [(t.name, t.program) for t in tracks] == [("Lead (Acoustic Grand Piano)", 0), ("Lead (Violin)", 40)]
    assert [n.pitch for n in tracks[0].notes] == [60, 64] and [n.pitch for n in tracks[1].notes] == [62]
    assert note_tuples(tracks[1]) == [(62, 480, 480, 90)]


def test_one_type_1_track_on_several_channels_becomes_one_part_per_channel(tmp_path: Path) -> None:
    data = midi_bytes([[mido.MetaMessage("track_name", name="Piano"), on(60), on(40, channel=1),
                        off(60, 480), off(40, 0, channel=1)]])
    assert [t.name for t in load_midi(write(tmp_path, data)).tracks] == ["Piano (channel 1)", "Piano (channel 2)"]


def test_smpte_division_is_converted_through_real_seconds(tmp_path: Path) -> None:
    # 25 frames per second x 40 ticks per frame = 1000 ticks per second; tempo events do not apply.
    data = midi_bytes([[mido.MetaMessage("set_tempo", tempo=250_000), on(60, 1000), off(60, 500)]])
    song = load_midi(write(tmp_path, with_division(data, (256 - 25) << 8 | 40)))
    assert song.ppq == 480 and len(song.tempos) == 1
    (note,) = song.tracks[0].notes
    assert song.tick_to_seconds(note.start) == pytest.approx(1.0)
    assert song.tick_to_seconds(note.end) == pytest.approx(1.5)


def test_smpte_29_97_frames_per_second(tmp_path: Path) -> None:
    data = midi_bytes([[on(60, 2997), off(60, 2997)]])
    song = load_midi(write(tmp_path, with_division(data, (256 - 29) << 8 | 100)))
    assert song.tick_to_seconds(song.tracks[0].notes[0].start) == pytest.approx(1.0, abs=1e-3)


def test_bundled_demo_midi_matches_the_project(tmp_path: Path) -> None:
    from cocomposer.io.project_file import load_project
    from cocomposer.paths import DEMO_DIR, demo_song_path
    project, midi = load_project(demo_song_path()), load_midi(DEMO_DIR / "demo.mid")
    assert note_tuples(midi.tracks[0]) == note_tuples(project.tracks[0])
    assert midi.keys == project.keys and midi.tempos == project.tempos
