"""The bundled files: the demo melody is what we promise and the SoundFont ships with its licence."""

from __future__ import annotations

from cocomposer.core import VoiceRole
from cocomposer.io import load_song
from cocomposer.paths import SOUNDFONTS_DIR, default_soundfont_path, demo_song_path


def test_demo_song_is_an_eight_bar_soprano_melody_in_a_major_key() -> None:
    song = load_song(demo_song_path())
    (track,) = song.tracks
    assert (track.name, track.voice) == ("Melody", VoiceRole.SOPRANO)
    assert [(s.numerator, s.denominator) for s in song.time_signatures] == [(4, 4)]
    assert song.key_at(0) is not None and song.key_at(0).mode == "major"
    assert song.length_ticks == song.bar_to_tick(8)
    assert all(60 <= note.pitch <= 79 for note in track.notes)  # C4-G5: a comfortable soprano
    scale = song.key_at(0).scale_pitch_classes()
    assert all(note.pitch % 12 in scale for note in track.notes)


def test_default_soundfont_and_its_licence_are_bundled() -> None:
    assert default_soundfont_path().is_file() and default_soundfont_path().stat().st_size > 1_000_000
    licence = (SOUNDFONTS_DIR / "LICENSE-FluidR3Mono.txt").read_text(encoding="utf-8")
    assert "MIT" in licence or "Permission is hereby granted" in licence
