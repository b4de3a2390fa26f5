"""The .ccsong project file: versioned JSON holding everything a Song has, including what MIDI cannot.

Voice roles, colours, mute/solo, locks, the AI panel's settings and the title live here. Saving is
atomic (see atomic_write), and loading checks every field so a damaged file gives one clear
`ProjectFileError` naming the file and the place in it, never a half-loaded song.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

from cocomposer.core import KeySignature, Note, Song, TempoChange, TimeSignature, Track, VoiceRole
from cocomposer.atomic_files import atomic_write_bytes
from cocomposer.io.errors import ProjectFileError

PROJECT_FORMAT = "cocomposer-song"
PROJECT_VERSION = 1
PROJECT_SUFFIX = ".ccsong"
# Notes are stored as compact rows, in this column order, so big songs stay small and quick to read.
NOTE_FIELDS = ("pitch", "start", "duration", "velocity", "locked")
# A 100,000-note song is about 3 MiB; anything near this is not a song and would only exhaust memory.
MAX_PROJECT_FILE_BYTES = 256 * 1024 * 1024
# Times beyond this (decades at any tempo) are damage, and would overflow the int64 time maps.
MAX_TICK = 2**40


# --- save --------------------------------------------------------------------------------------

def save_project(song: Song, path: str | os.PathLike[str]) -> None:
    """Write `song` to `path` as a .ccsong file, replacing any old file only once the new one is complete."""
    try:
        text = _json_text(project_to_dict(song))
    except (TypeError, ValueError) as error:  # something in ai_settings that JSON cannot hold
        raise ProjectFileError(f"{path}: cannot save: {error}") from error
    try:
        atomic_write_bytes(path, text.encode("utf-8"))
    except OSError as error:
        raise ProjectFileError(f"{path}: cannot save ({error.strerror or error}); the previous file is unchanged") \
            from error


def project_to_dict(song: Song) -> dict[str, Any]:
    """The song as plain JSON-ready data (format version PROJECT_VERSION)."""
    return {
        "format": PROJECT_FORMAT,
        "version": PROJECT_VERSION,
        "title": song.title,
        "ppq": song.ppq,
        "tempos": [{"tick": c.tick, "bpm": c.bpm} for c in song.tempos],
        "time_signatures": [{"tick": s.tick, "numerator": s.numerator, "denominator": s.denominator}
                            for s in song.time_signatures],
        "keys": [{"tick": k.tick, "tonic": k.tonic, "mode": k.mode} for k in song.keys],
        "ai_settings": song.ai_settings,
        "note_fields": list(NOTE_FIELDS),
        "tracks": [_track_to_dict(track) for track in song.tracks],
    }


def _json_text(data: dict[str, Any]) -> str:
    """JSON with one line per setting, per track header and per note, so files diff and merge well."""
    lines = [f" {_compact(key)}: {_compact(value)}" for key, value in data.items() if key != "tracks"]
    track_texts = []
    for track in data["tracks"]:
        header = _compact({key: value for key, value in track.items() if key != "notes"})[1:-1]
        rows = ",\n".join(f"   {_compact(row)}" for row in track["notes"])
        track_texts.append(f'  {{{header}, "notes": [' + (f"\n{rows}\n  " if rows else "") + "]}")
    lines.append(' "tracks": [' + ("\n" + ",\n".join(track_texts) + "\n " if track_texts else "") + "]")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def _track_to_dict(track: Track) -> dict[str, Any]:
    return {
        "name": track.name,
        "program": track.program,
        "channel": track.channel,
        "is_drum": track.is_drum,
        "muted": track.muted,
        "solo": track.solo,
        "volume": track.volume,
        "pan": track.pan,
        "color": track.color,
        "voice": track.voice.value if track.voice else None,
        "locked": track.locked,
        "notes": [[n.pitch, n.start, n.duration, n.velocity, int(n.locked)] for n in track.sorted_notes()],
    }


# --- load --------------------------------------------------------------------------------------

def load_project(path: str | os.PathLike[str]) -> Song:
    """Read a .ccsong file into a new Song; raises ProjectFileError naming the problem if it cannot."""
    try:
        size = os.path.getsize(path)
        if size > MAX_PROJECT_FILE_BYTES:
            raise ProjectFileError(f"{path}: file is {size / 2**20:.0f} MiB; CoComposer opens projects up to "
                                   f"{MAX_PROJECT_FILE_BYTES // 2**20} MiB")
        with open(path, "rb") as file:
            raw = file.read(MAX_PROJECT_FILE_BYTES + 1)
    except OSError as error:
        raise ProjectFileError(f"{path}: cannot read ({error.strerror or error})") from error
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ProjectFileError(f"{path}: not a CoComposer project (not UTF-8 text)") from error
    except json.JSONDecodeError as error:
        raise ProjectFileError(f"{path}: damaged project file (invalid JSON at line {error.lineno}, "
                               f"column {error.colno}: {error.msg})") from error
    except RecursionError as error:
        raise ProjectFileError(f"{path}: damaged project file (nested too deeply)") from error
    try:
        return project_from_dict(data)
    except _FieldError as error:
        raise ProjectFileError(f"{path}: {error}") from error


class _FieldError(Exception):
    """A field is missing or wrong; the message says where (e.g. tracks[2].notes[5])."""


def project_from_dict(data: Any) -> Song:
    """Build a Song from parsed .ccsong data, checking the format, the version and every field."""
    if not isinstance(data, dict) or data.get("format") != PROJECT_FORMAT:
        raise _FieldError(f"not a CoComposer project (expected \"format\": \"{PROJECT_FORMAT}\")")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _FieldError(f"damaged project file: 'version' must be a positive whole number, not {version!r}")
    if version > PROJECT_VERSION:
        raise _FieldError(f"made by a newer CoComposer (version {version}); this one reads up to version "
                          f"{PROJECT_VERSION}, please update")
    fields = _Fields(data, "")
    ppq = fields.integer("ppq", 1, 1_000_000)
    try:
        song = Song(
            ppq=ppq,
            tempos=[TempoChange(item.integer("tick", 0, MAX_TICK), item.number("bpm", 1e-3, 1e4))
                    for item in fields.list_of_objects("tempos")],
            time_signatures=[TimeSignature(item.integer("tick", 0, MAX_TICK), item.integer("numerator", 1, 1024),
                                           item.integer("denominator", 1, 64))
                             for item in fields.list_of_objects("time_signatures")],
            keys=[KeySignature(item.integer("tick", 0, MAX_TICK), item.integer("tonic", 0, 11),
                               item.choice("mode", ("major", "minor")))
                  for item in fields.list_of_objects("keys")],
            title=fields.text("title", default=""),
            ai_settings=fields.object("ai_settings", default={}),
        )
    except ValueError as error:  # e.g. a time signature with denominator 3
        raise _FieldError(f"damaged project file: {error}") from error
    song.tracks = [_track_from_fields(item) for item in fields.list_of_objects("tracks")]
    return song


def _track_from_fields(fields: "_Fields") -> Track:
    voice_name = fields.optional_text("voice")
    try:
        voice = VoiceRole.parse(voice_name)
    except ValueError as error:
        raise _FieldError(f"damaged project file: {fields.where('voice')}: {error}") from error
    track = Track(
        name=fields.text("name"),
        program=fields.integer("program", 0, 127),
        channel=fields.integer("channel", 0, 15),
        is_drum=fields.boolean("is_drum", default=False),
        muted=fields.boolean("muted", default=False),
        solo=fields.boolean("solo", default=False),
        volume=fields.integer("volume", 0, 127, default=100),
        pan=fields.integer("pan", 0, 127, default=64),
        color=fields.text("color", default=Track.color),
        voice=voice,
        locked=fields.boolean("locked", default=False),
    )
    track.notes = [_note_from_row(row, f"{fields.where('notes')}[{index}]")
                   for index, row in enumerate(fields.list("notes"))]
    return track


def _note_from_row(row: Any, where: str) -> Note:
    if not isinstance(row, list) or not 4 <= len(row) <= len(NOTE_FIELDS) \
            or not all(isinstance(value, int) and not isinstance(value, bool) for value in row):
        raise _FieldError(f"damaged project file: {where} must be a list of 4 or 5 whole numbers "
                          f"({', '.join(NOTE_FIELDS)}), not {_short(row)}")
    if row[1] > MAX_TICK or row[2] > MAX_TICK:
        raise _FieldError(f"damaged project file: {where}: start and duration must be at most {MAX_TICK} ticks")
    try:
        return Note(row[0], row[1], row[2], row[3], bool(row[4]) if len(row) > 4 else False)
    except ValueError as error:
        raise _FieldError(f"damaged project file: {where}: {error}") from error


class _Fields:
    """Typed, checked access to one JSON object; errors name the field's path in the file."""

    def __init__(self, data: dict[str, Any], prefix: str) -> None:
        self._data, self._prefix = data, prefix

    def where(self, name: str) -> str:
        return f"{self._prefix}.{name}" if self._prefix else name

    _MISSING = object()

    def _get(self, name: str, default: Any) -> Any:
        value = self._data.get(name, default)
        if value is self._MISSING:
            raise _FieldError(f"damaged project file: '{self.where(name)}' is missing")
        return value

    def _wrong(self, name: str, expected: str, value: Any) -> _FieldError:
        return _FieldError(f"damaged project file: '{self.where(name)}' must be {expected}, not {_short(value)}")

    def integer(self, name: str, low: int, high: int | None = None, default: Any = _MISSING) -> int:
        value = self._get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < low or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise self._wrong(name, f"a whole number {bounds}", value)
        return value

    def number(self, name: str, low: float, high: float) -> float:
        value = self._get(name, self._MISSING)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) \
                or not low <= value <= high:
            raise self._wrong(name, f"a number from {low:g} to {high:g}", value)
        return float(value)

    def boolean(self, name: str, default: Any = _MISSING) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise self._wrong(name, "true or false", value)
        return value

    def text(self, name: str, default: Any = _MISSING) -> str:
        value = self._get(name, default)
        if not isinstance(value, str):
            raise self._wrong(name, "text", value)
        return value

    def optional_text(self, name: str) -> str | None:
        value = self._get(name, None)
        if value is not None and not isinstance(value, str):
            raise self._wrong(name, "text or null", value)
        return value

    def choice(self, name: str, options: tuple[str, ...]) -> str:
        value = self._get(name, self._MISSING)
        if value not in options:
            raise self._wrong(name, " or ".join(repr(o) for o in options), value)
        return value

    def object(self, name: str, default: Any = _MISSING) -> dict[str, Any]:
        value = self._get(name, default)
        if not isinstance(value, dict):
            raise self._wrong(name, "an object", value)
        return value

    def list(self, name: str) -> list[Any]:
        value = self._get(name, self._MISSING)
        if not isinstance(value, list):
            raise self._wrong(name, "a list", value)
        return value

    def list_of_objects(self, name: str) -> list["_Fields"]:
        items = []
        for index, value in enumerate(self.list(name)):
            if not isinstance(value, dict):
                raise self._wrong(f"{name}[{index}]", "an object", value)
            items.append(_Fields(value, f"{self.where(name)}[{index}]"))
        return items


def _short(value: Any) -> str:
    text = json.dumps(value) if isinstance(value, (dict, list, str, int, float, bool, type(None))) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
