"""Song files: Standard MIDI Files and .ccsong projects in and out of core.Song (no Qt here)."""

from cocomposer.io.errors import FileFormatError, MidiFileError, ProjectFileError, UnsupportedFileTypeError
from cocomposer.io.midi_file import load_midi, save_midi
from cocomposer.io.project_file import load_project, save_project
from cocomposer.io.song_files import SONG_SUFFIXES, load_song, save_song

__all__ = [
    "FileFormatError",
    "MidiFileError",
    "ProjectFileError",
    "SONG_SUFFIXES",
    "UnsupportedFileTypeError",
    "load_midi",
    "load_project",
    "load_song",
    "save_midi",
    "save_project",
    "save_song",
]
