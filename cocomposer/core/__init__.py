"""The song document: notes, tracks, tempo map, meter and key (pure Python, no Qt/ONNX/FluidSynth)."""

from cocomposer.core.song import DEFAULT_PPQ, Note, Song, Track, VoiceRole
from cocomposer.core.timing import KeySignature, TempoChange, TempoMap, TimeSignature, MeterMap

__all__ = [
    "DEFAULT_PPQ",
    "KeySignature",
    "MeterMap",
    "Note",
    "Song",
    "TempoChange",
    "TempoMap",
    "TimeSignature",
    "Track",
    "VoiceRole",
]
