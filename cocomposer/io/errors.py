"""The one family of errors file I/O raises, so the CLI and the editor can catch them in one place.

Every message starts with the file's path and says what is wrong in words a user can act on.
"""

from __future__ import annotations


class FileFormatError(Exception):
    """A song file could not be read or written (damaged, unsupported, or the disk refused)."""


class MidiFileError(FileFormatError):
    """A Standard MIDI File is corrupt, truncated, not MIDI at all, or could not be written."""


class ProjectFileError(FileFormatError):
    """A .ccsong project file is damaged, from a newer CoComposer, or could not be written."""


class UnsupportedFileTypeError(FileFormatError):
    """The file's name does not say which song format it is."""
