"""harmonize, continue, infill and evaluate from the command line with the shipped model, on real files."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from cocomposer import cli
from cocomposer.ai.model_session import default_model_path
from cocomposer.core import KeySignature, VoiceRole
from cocomposer.io import load_song, save_song
from cocomposer.paths import demo_song_path

pytestmark = pytest.mark.skipif(not default_model_path().is_file(),
                                reason=f"the shipped model is not at {default_model_path()}")

G_MAJOR = KeySignature.parse("G major").scale_pitch_classes()


def run(capsys, *argv: str) -> str:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def harmonized_demo(capsys, tmp_path: Path) -> Path:
    path = tmp_path / "satb.ccsong"
    run(capsys, "harmonize", str(demo_song_path()), "-o", str(path), "--seed", "3")
    return path


def test_harmonize_writes_midi_and_wav_in_key_and_range(capsys, tmp_path):
    out = run(capsys, "harmonize", str(demo_song_path()), "-o", str(tmp_path / "h.mid"), "--wav", str(tmp_path / "h.wav"),
              "--seed", "1", "--range", "bass:43-55", "--variants", "2")
    assert "key: G major" in out and "h-v2.mid" in out
    for name in ("h.mid", "h-v2.mid"):
        song = load_song(tmp_path / name)
        melody = load_song(demo_song_path()).tracks[0].notes
        assert [n.pitch for n in song.tracks[0].notes] == [n.pitch for n in melody]
        harmony = {t.name: t.notes for t in song.tracks[1:]}
        assert sorted(harmony) == ["Alto", "Bass", "Tenor"]
        for track_name, notes in harmony.items():
            assert notes, track_name
            assert all(n.pitch % 12 in G_MAJOR for n in notes), track_name
        assert all(43 <= n.pitch <= 55 for n in harmony["Bass"])
        assert all(53 <= n.pitch <= 74 for n in harmony["Alto"])  # the default alto range
    with wave.open(str(tmp_path / "h.wav")) as wav:
        frames = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
        assert wav.getnframes() / wav.getframerate() > 8 * 4 * 60 / 100  # the whole 8 bars at 100 bpm
    assert np.sqrt(np.mean(frames.astype(float) ** 2)) > 100


def test_the_same_seed_writes_the_same_file(capsys, tmp_path):
    for name in ("a.mid", "b.mid"):
        run(capsys, "harmonize", str(demo_song_path()), "-o", str(tmp_path / name), "--seed", "9", "--key", "E minor")
    assert (tmp_path / "a.mid").read_bytes() == (tmp_path / "b.mid").read_bytes()
    song = load_song(tmp_path / "a.mid")
    e_minor = KeySignature.parse("E minor").scale_pitch_classes()
    assert all(n.pitch % 12 in e_minor for t in song.tracks[1:] for n in t.notes)


def test_continue_writes_only_the_bars_asked_for(capsys, tmp_path):
    source = harmonized_demo(capsys, tmp_path)
    before = load_song(source)
    run(capsys, "continue", str(source), "--bars", "2", "-o", str(tmp_path / "c.ccsong"), "--seed", "4",
        "--tracks", "Alto", "Bass")
    after = load_song(tmp_path / "c.ccsong")
    end_of_song = before.bar_to_tick(8)
    for old, new in zip(before.tracks, after.tracks):
        assert [n for n in new.notes if n.start < end_of_song] == old.notes
        added = [n for n in new.notes if n.start >= end_of_song]
        assert bool(added) == (new.voice in (VoiceRole.ALTO, VoiceRole.BASS)), new.name
        assert all(n.end <= before.bar_to_tick(10) and n.pitch % 12 in G_MAJOR for n in added)


def test_infill_keeps_locked_notes_and_everything_outside_the_region(capsys, tmp_path):
    source = harmonized_demo(capsys, tmp_path)
    song = load_song(source)
    tenor = next(t for t in song.tracks if t.voice == VoiceRole.TENOR)
    bar3, bar5 = song.bar_to_tick(2), song.bar_to_tick(4)
    inside = [i for i, n in enumerate(tenor.notes) if bar3 <= n.start < bar5]
    tenor.notes[inside[0]] = locked = tenor.notes[inside[0]].moved(locked=True)
    save_song(song, source)
    run(capsys, "infill", str(source), "--tracks", "Tenor", "--from", "3", "--to", "4", "-o",
        str(tmp_path / "i.ccsong"), "--seed", "5", "--temperature", "1.5")
    result = load_song(tmp_path / "i.ccsong")
    new_tenor = next(t for t in result.tracks if t.voice == VoiceRole.TENOR)
    assert locked in new_tenor.notes
    assert [n for n in new_tenor.notes if not bar3 <= n.start < bar5] == \
           [n for n in tenor.notes if not bar3 <= n.start < bar5]
    for old, new in zip(song.tracks, result.tracks):
        if new.voice != VoiceRole.TENOR:
            assert new.notes == old.notes
    written = [n for n in new_tenor.notes if bar3 <= n.start < bar5 and n != locked]
    assert written and all(n.end <= bar5 and n.pitch % 12 in G_MAJOR for n in written)
    assert all(n.end <= locked.start or n.start >= locked.end for n in written)


def test_evaluate_smoke_on_a_few_chorales(capsys, jsb_path):
    out = run(capsys, "evaluate", "--data", str(jsb_path), "--limit", "2", "--repeats", "1", "--json")
    result = json.loads(out)
    for key in ("nll_per_token", "accuracy", "parallels_per_100", "crossings_per_100", "out_of_range_per_100",
                "out_of_key_per_100", "latency_ms"):
        assert key in result
    assert 0 < result["nll_per_token"] < np.log(65) and 0 < result["accuracy"] <= 1
    assert result["chorales"] == 2 and result["bach"]["out_of_range_per_100"] >= 0
    table = run(capsys, "evaluate", "--data", str(jsb_path), "--limit", "1", "--repeats", "0")
    assert "NLL, chronological (exact)" in table and "baseline" in table
