"""Damaged, truncated, hostile and non-MIDI files: always one MidiFileError, quickly, never a crash."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import mido
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocomposer.io.errors import FileFormatError, MidiFileError
from cocomposer.io.midi_file import MAX_MIDI_FILE_BYTES, load_midi
from midi_bytes import midi_bytes, off, on, with_track_count

GOOD = midi_bytes([[mido.MetaMessage("set_tempo", tempo=600_000)],
                   [mido.MetaMessage("track_name", name="Tune"), on(60), off(60, 480), on(62), off(62, 480)]])


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "broken.mid"
    path.write_bytes(data)
    return path


def assert_refused(path: Path, *words: str) -> MidiFileError:
    started = time.perf_counter()
    with pytest.raises(MidiFileError) as caught:
        load_midi(path)
    assert time.perf_counter() - started < 5, "a hostile file must be refused quickly"
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    for word in words:
        assert word in message
    return caught.value


def test_error_family_is_one_base_class() -> None:
    assert issubclass(MidiFileError, FileFormatError)


@pytest.mark.parametrize("content", [b"", b"hello, this is text\n", b"RIFF\x00\x00\x00\x00WAVEfmt ", b"MThd"])
def test_non_midi_files_are_refused(tmp_path: Path, content: bytes) -> None:
    assert_refused(write(tmp_path, content), "not a MIDI file")


def test_missing_file_is_a_midi_file_error(tmp_path: Path) -> None:
    assert_refused(tmp_path / "absent.mid", "cannot read")


def test_every_truncation_of_a_good_file_is_refused(tmp_path: Path) -> None:
    for length in range(len(GOOD)):
        assert_refused(write(tmp_path, GOOD[:length]))


def test_header_announcing_thousands_of_tracks_is_refused_quickly(tmp_path: Path) -> None:
    assert_refused(write(tmp_path, with_track_count(GOOD, 65535)), "65535 tracks", "truncated")


def test_chunk_claiming_gigabytes_is_refused_without_reading_them(tmp_path: Path) -> None:
    header_end = 14
    data = GOOD[:header_end + 4] + struct.pack(">L", 0xFFFFFFF0) + GOOD[header_end + 8:]
    assert_refused(write(tmp_path, data), "truncated", str(0xFFFFFFF0))


def test_header_with_absurd_length_is_refused(tmp_path: Path) -> None:
    assert_refused(write(tmp_path, GOOD[:4] + struct.pack(">L", 0x7FFFFFFF) + GOOD[8:]), "header")


@pytest.mark.parametrize("field, value, words", [(8, 7, "type 7"), (12, 0, "time division")])
def test_header_with_impossible_values_is_refused(tmp_path: Path, field: int, value: int, words: str) -> None:
    assert_refused(write(tmp_path, GOOD[:field] + struct.pack(">H", value) + GOOD[field + 2:]), words)


def test_meta_event_claiming_a_huge_length_is_refused(tmp_path: Path) -> None:
    # A text meta event whose variable-length size says 256 MiB inside a 20-byte track.
    track = bytes([0x00, 0xFF, 0x01, 0xFF, 0xFF, 0xFF, 0x7F]) + b"short" + bytes([0x00, 0xFF, 0x2F, 0x00])
    data = with_track_count(GOOD[:14] + b"MTrk" + struct.pack(">L", len(track)) + track, 1)
    assert_refused(write(tmp_path, data), "damaged MIDI data")


def test_undefined_status_byte_is_refused(tmp_path: Path) -> None:
    track = bytes([0x00, 0xF4, 0x00, 0x00, 0xFF, 0x2F, 0x00])
    data = with_track_count(GOOD[:14] + b"MTrk" + struct.pack(">L", len(track)) + track, 1)
    assert_refused(write(tmp_path, data), "damaged MIDI data")


def test_file_larger_than_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    with open(path, "r+b") as file:
        file.truncate(MAX_MIDI_FILE_BYTES + 1)  # sparse: costs no disk or time
    assert_refused(path, "MiB")


def test_file_with_no_tracks_is_an_empty_song(tmp_path: Path) -> None:
    song = load_midi(write(tmp_path, with_track_count(GOOD[:14], 0)))
    assert song.tracks == [] and song.ppq == 480


def test_unknown_chunks_between_tracks_are_skipped(tmp_path: Path) -> None:
    header, tracks = GOOD[:14], GOOD[14:]
    song = load_midi(write(tmp_path, header + b"XFIH" + struct.pack(">L", 3) + b"abc" + tracks + b"\x00junk"))
    assert song.note_count == 2


def test_out_of_range_data_bytes_are_clipped_not_fatal(tmp_path: Path) -> None:
    track = bytes([0x00, 0x90, 60, 0xC8, 0x60, 0x80, 60, 0x00, 0x00, 0xFF, 0x2F, 0x00])  # velocity 200
    data = with_track_count(GOOD[:14] + b"MTrk" + struct.pack(">L", len(track)) + track, 1)
    (note,) = load_midi(write(tmp_path, data)).tracks[0].notes
    assert note.velocity == 127


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255)), min_size=1, max_size=6))
def test_corrupted_bytes_load_or_raise_midi_file_error(tmp_path: Path, changes: list[tuple[int, int]]) -> None:
    data = bytearray(GOOD)
    for position, value in changes:
        data[position] = value
    path = write(tmp_path, bytes(data))
    try:
        load_midi(path)
    except MidiFileError as error:
        assert str(error).startswith(f"{path}: ") and "\n" not in str(error)
