"""load_song/save_song: the file name picks the format; unknown names are recognised by content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cocomposer.core import Note, Song, Track, VoiceRole
from cocomposer.io import FileFormatError, UnsupportedFileTypeError, load_song, save_song
from cocomposer.paths import DEMO_DIR, demo_song_path


def song() -> Song:
    return Song(title="Both", tracks=[Track("Alto", voice=VoiceRole.ALTO, notes=[Note(64, 0, 480)])])


@pytest.mark.parametrize("name", ["a.ccsong", "b.mid", "c.MIDI", "D.CCSONG"])
def test_round_trip_by_extension(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    save_song(song(), path)
    loaded = load_song(path)
    assert loaded.title == "Both" and loaded.tracks[0].notes == [Note(64, 0, 480)]
    assert loaded.tracks[0].voice is VoiceRole.ALTO  # from the project field, or the MIDI track's name


def test_midi_file_is_midi_and_project_file_is_json(tmp_path: Path) -> None:
    save_song(song(), tmp_path / "x.mid")
    save_song(song(), tmp_path / "x.ccsong")
    assert (tmp_path / "x.mid").read_bytes().startswith(b"MThd")
    assert (tmp_path / "x.ccsong").read_text(encoding="utf-8").startswith("{")


def test_saving_under_an_unknown_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFileTypeError, match=r"\.txt.*\.ccsong, \.mid, \.midi"):
        save_song(song(), tmp_path / "x.txt")
    assert not (tmp_path / "x.txt").exists()


@pytest.mark.parametrize("source", ["demo.ccsong", "demo.mid"])
def test_unknown_extension_is_read_by_content(tmp_path: Path, source: str) -> None:
    copy = tmp_path / "downloaded.bin"
    shutil.copy(DEMO_DIR / source, copy)
    assert load_song(copy).note_count == load_song(demo_song_path()).note_count


def test_unrecognised_content_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("C D E F G", encoding="utf-8")
    with pytest.raises(FileFormatError, match="not a song file"):
        load_song(path)


def test_missing_file_is_a_file_format_error(tmp_path: Path) -> None:
    for name in ("gone.mid", "gone.ccsong", "gone.xyz"):
        with pytest.raises(FileFormatError, match="cannot read"):
            load_song(tmp_path / name)
