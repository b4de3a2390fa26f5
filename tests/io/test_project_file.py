"""The .ccsong project file: exact round trips, atomic saves, clear errors for damaged or newer files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from cocomposer.core import Note, Song, Track, VoiceRole
from cocomposer import atomic_files as atomic_write
from cocomposer.io.errors import FileFormatError, ProjectFileError
from cocomposer.io.project_file import (MAX_PROJECT_FILE_BYTES, PROJECT_VERSION, load_project, project_to_dict,
                                        save_project)
from song_strategies import songs


def snapshot(song: Song) -> dict:
    return project_to_dict(song)


def small_song(title: str = "Sketch") -> Song:
    return Song(title=title, tracks=[Track("Melody", voice=VoiceRole.SOPRANO, notes=[Note(67, 0, 480, locked=True)])],
                ai_settings={"temperature": 0.9})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(song=songs(allow_project_only=True))
def test_save_then_load_gives_back_everything(tmp_path: Path, song: Song) -> None:
    path = tmp_path / "song.ccsong"
    save_project(song, path)
    assert snapshot(load_project(path)) == snapshot(song)


def test_file_is_versioned_json_with_all_the_fields_midi_cannot_hold(tmp_path: Path) -> None:
    song = small_song()
    song.tracks[0].muted, song.tracks[0].locked, song.tracks[0].color = True, True, "#123456"
    path = tmp_path / "song.ccsong"
    save_project(song, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == ("cocomposer-song", PROJECT_VERSION)
    track = data["tracks"][0]
    assert (track["voice"], track["muted"], track["locked"], track["color"]) == ("soprano", True, True, "#123456")
    assert track["notes"] == [[67, 0, 480, 96, 1]]
    assert data["ai_settings"] == {"temperature": 0.9}
    loaded = load_project(path)
    assert loaded.tracks[0].notes[0].locked and loaded.tracks[0].locked and loaded.tracks[0].voice is VoiceRole.SOPRANO


def test_new_file_gets_ordinary_permissions_and_an_old_file_keeps_its_own(tmp_path: Path) -> None:
    path = tmp_path / "song.ccsong"
    save_project(small_song(), path)
    assert stat.S_IMODE(path.stat().st_mode) == atomic_write.NEW_FILE_MODE
    path.chmod(0o600)
    save_project(small_song("Again"), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --- a failed save never destroys the last good file ---------------------------------------------

def good_file(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "song.ccsong"
    save_project(small_song("Good"), path)
    return path, path.read_bytes()


def assert_intact(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before
    assert load_project(path).title == "Good"
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name], "no temporary file may be left behind"


@pytest.mark.parametrize("failing", ["replace", "fsync", "write"])
def test_failure_mid_save_leaves_the_previous_file_intact(tmp_path: Path, monkeypatch, failing: str) -> None:
    path, before = good_file(tmp_path)

    def disk_failure(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if failing == "write":
        real_fdopen = os.fdopen

        class FailingFile:
            def __init__(self, *args, **kwargs):
                self.file = real_fdopen(*args, **kwargs)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.file.close()

            def write(self, data):
                self.file.write(data[: len(data) // 2])
                disk_failure()

        monkeypatch.setattr(atomic_write.os, "fdopen", FailingFile)
    else:
        monkeypatch.setattr(atomic_write.os, failing, disk_failure)

    with pytest.raises(ProjectFileError, match="No space left on device.*previous file is unchanged"):
        save_project(small_song("Bad"), path)
    monkeypatch.undo()
    assert_intact(path, before)


def test_unsavable_ai_settings_fail_before_touching_the_file(tmp_path: Path) -> None:
    path, before = good_file(tmp_path)
    song = small_song("Bad")
    song.ai_settings["ranges"] = {1, 2}  # a set: JSON cannot hold it
    with pytest.raises(ProjectFileError, match="cannot save"):
        save_project(song, path)
    assert_intact(path, before)


def test_save_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectFileError, match="cannot save"):
        save_project(small_song(), tmp_path / "no" / "such" / "folder" / "song.ccsong")


# --- damaged, foreign and newer files ------------------------------------------------------------

def load_text(tmp_path: Path, text: str | bytes) -> ProjectFileError:
    path = tmp_path / "damaged.ccsong"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    with pytest.raises(ProjectFileError) as caught:
        load_project(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return caught.value


def valid_data() -> dict:
    return project_to_dict(small_song())


def test_error_family_is_one_base_class() -> None:
    assert issubclass(ProjectFileError, FileFormatError)


def test_every_truncation_of_a_good_file_is_refused(tmp_path: Path) -> None:
    text = json.dumps(valid_data())
    for length in range(0, len(text), 7):
        load_text(tmp_path, text[:length])


@pytest.mark.parametrize("content, words", [
    ("{not json", "invalid JSON at line 1"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    ("[1, 2, 3]", "not a CoComposer project"),
    ('{"format": "something-else", "version": 1}', "not a CoComposer project"),
    ("[" * 100_000 + "]" * 100_000, ""),
])
def test_foreign_or_broken_content_is_refused(tmp_path: Path, content, words: str) -> None:
    assert words in str(load_text(tmp_path, content))


def test_file_larger_than_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.ccsong"
    with open(path, "wb") as file:
        file.truncate(MAX_PROJECT_FILE_BYTES + 1)  # sparse: costs no disk or time
    with pytest.raises(ProjectFileError, match="MiB"):
        load_project(path)


def test_newer_version_is_rejected_with_a_clear_message(tmp_path: Path) -> None:
    data = valid_data() | {"version": PROJECT_VERSION + 1}
    error = load_text(tmp_path, json.dumps(data))
    assert f"made by a newer CoComposer (version {PROJECT_VERSION + 1})" in str(error)


@pytest.mark.parametrize("change, words", [
    (lambda d: d.pop("ppq"), "'ppq' is missing"),
    (lambda d: d.pop("tracks"), "'tracks' is missing"),
    (lambda d: d.update(version="1"), "'version' must be a positive whole number"),
    (lambda d: d.update(ppq=-5), "'ppq' must be a whole number"),
    (lambda d: d.update(title=7), "'title' must be text"),
    (lambda d: d.update(ai_settings=[]), "'ai_settings' must be an object"),
    (lambda d: d["tempos"][0].update(bpm="fast"), "'tempos[0].bpm' must be a number"),
    (lambda d: d["time_signatures"][0].update(denominator=3), "invalid time signature 4/3"),
    (lambda d: d["keys"].append({"tick": 0, "tonic": 14, "mode": "major"}), "'keys[0].tonic' must be a whole number"),
    (lambda d: d["tracks"][0].update(channel=16), "'tracks[0].channel' must be a whole number from 0 to 15"),
    (lambda d: d["tracks"][0].update(voice="descant"), "unknown voice role"),
    (lambda d: d["tracks"][0].update(muted="yes"), "'tracks[0].muted' must be true or false"),
    (lambda d: d["tracks"][0].pop("name"), "'tracks[0].name' is missing"),
    (lambda d: d["tracks"].append(3), "'tracks[1]' must be an object"),
    (lambda d: d["tracks"][0]["notes"].append([60, 0]), "tracks[0].notes[1] must be a list of 4 or 5 whole numbers"),
    (lambda d: d["tracks"][0]["notes"].append([60, 0, 0, 90]), "tracks[0].notes[1]: note duration must be > 0"),
    (lambda d: d["tracks"][0]["notes"].append([60, 0, 10, 90.5]), "tracks[0].notes[1] must be a list"),
    (lambda d: d["tracks"][0]["notes"].append([60, 2**70, 10, 90]), "tracks[0].notes[1]: start and duration"),
    (lambda d: d["tempos"][0].update(tick=2**70), "'tempos[0].tick' must be a whole number from 0"),
])
def test_missing_or_mistyped_fields_name_the_place(tmp_path: Path, change, words: str) -> None:
    data = valid_data()
    change(data)
    assert words in str(load_text(tmp_path, json.dumps(data)))


def test_optional_track_settings_take_defaults(tmp_path: Path) -> None:
    data = valid_data()
    data["tracks"] = [{"name": "Bare", "program": 1, "channel": 2, "notes": [[60, 0, 480, 80]]}]
    path = tmp_path / "bare.ccsong"
    path.write_text(json.dumps(data), encoding="utf-8")
    (track,) = load_project(path).tracks
    assert (track.volume, track.pan, track.voice, track.muted, track.notes[0].locked) == (100, 64, None, False, False)
