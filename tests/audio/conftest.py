"""Small songs the audio tests share: short, so real FluidSynth renders stay fast."""

from __future__ import annotations

import pytest

from cocomposer.core import Note, Song, Track

ONSET_TICKS = (0, 480, 1000, 1517, 2041, 2600)  # at 120 bpm / 480 PPQ: mostly off FluidSynth's 64-frame grid
STACCATO_TICKS = 60  # 62.5 ms notes, then silence until the next one


def build_staccato_song(ticks=ONSET_TICKS, pitch: int = 72) -> Song:
    """One piano track of short, equal notes far apart, so each onset stands out of silence."""
    return Song(tracks=[Track("Staccato", program=0, notes=[Note(pitch, t, STACCATO_TICKS, 100) for t in ticks])])


@pytest.fixture
def staccato_song():
    """The builder: staccato_song(ticks) -> Song with a short note at each tick."""
    return build_staccato_song


@pytest.fixture
def onset_ticks() -> tuple[int, ...]:
    return ONSET_TICKS


@pytest.fixture
def two_track_song() -> Song:
    """A melody and a bass line on different channels and programs."""
    melody = Track("Melody", program=0, channel=0, notes=[Note(72 + i, i * 240, 200, 100) for i in range(4)])
    bass = Track("Bass", program=33, channel=1, notes=[Note(36, 0, 900, 110)])
    return Song(tracks=[melody, bass])
