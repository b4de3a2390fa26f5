"""Open and save a song by file name: the one entry point the CLI and the editor use for files.

The extension picks the format (.ccsong project, .mid/.midi Standard MIDI File); a file with any
other name is recognised by its first bytes when read.
"""

from __future__ import annotations

import os
from pathlib import Path

from cocomposer.core import Song
from cocomposer.io.errors import UnsupportedFileTypeError
from cocomposer.io.midi_file import load_midi, save_midi
from cocomposer.io.project_file import PROJECT_SUFFIX, load_project, save_project

MIDI_SUFFIXES = (".mid", ".midi")
SONG_SUFFIXES = (PROJECT_SUFFIX, *MIDI_SUFFIXES)


def load_song(path: str | os.PathLike[str]) -> Song:
    """Read a .ccsong or MIDI file into a new Song; raises a FileFormatError subclass if it cannot."""
    suffix = Path(path).suffix.lower()
    if suffix == PROJECT_SUFFIX:
        return load_project(path)
    if suffix in MIDI_SUFFIXES:
        return load_midi(path)
    return _load_by_content(path)


def save_song(song: Song, path: str | os.PathLike[str]) -> None:
    """Write `song` in the format its extension names; the previous file survives a failed save."""
    suffix = Path(path).suffix.lower()
    if suffix == PROJECT_SUFFIX:
        save_project(song, path)
    elif suffix in MIDI_SUFFIXES:
        save_midi(song, path)
    else:
        raise UnsupportedFileTypeError(f"{path}: cannot save as '{suffix or 'no extension'}': "
                                       f"use {_suffix_list()}")


def _load_by_content(path: str | os.PathLike[str]) -> Song:
    try:
        with open(path, "rb") as file:
            start = file.read(64)
    except OSError as error:
        raise UnsupportedFileTypeError(f"{path}: cannot read ({error.strerror or error})") from error
    if start.startswith(b"MThd"):
        return load_midi(path)
    if start.lstrip().startswith(b"{"):
        return load_project(path)
    raise UnsupportedFileTypeError(f"{path}: not a song file CoComposer knows (use {_suffix_list()})")


def _suffix_list() -> str:
    return ", ".join(SONG_SUFFIXES)
