"""Offline rendering with the real FluidSynth and the bundled SoundFont: timing, level, formats, files."""

import wave

import numpy as np
import pytest

from cocomposer.audio.errors import SoundFontError
from cocomposer.paths import default_soundfont_path
from cocomposer.audio.render import MAX_TAIL_SECONDS, render_to_array, render_to_wav
from cocomposer.audio.synth import FLUIDSYNTH_BLOCK_FRAMES, SoundFontSynth
from cocomposer.core import Note, Song, Track

RATE = 44100
ONSET_THRESHOLD = 1e-3  # -60 dBFS: well above the silence between staccato notes


def onset_frames(audio: np.ndarray, expected_frames: list[int], search_frames: int = 2000) -> list[int]:
    """First frame above ONSET_THRESHOLD within `search_frames` after each expected onset's search start."""
    level = np.abs(audio).max(axis=1)
    onsets = []
    for expected in expected_frames:
        start = max(expected - search_frames // 2, 0)
        window = level[start:start + search_frames]
        assert window.max() > ONSET_THRESHOLD, f"no note found near frame {expected}"
        onsets.append(start + int(np.argmax(window > ONSET_THRESHOLD)))
    return onsets


def rms(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))


def test_render_is_song_length_plus_a_bounded_tail_and_not_silent(two_track_song):
    audio = render_to_array(two_track_song)
    song_frames = round(two_track_song.length_seconds * RATE)
    assert audio.dtype == np.float32 and audio.shape[1] == 2
    assert song_frames < len(audio) <= song_frames + MAX_TAIL_SECONDS * RATE
    assert rms(audio) > 1e-3
    assert np.abs(audio[-1]).max() < 1e-3  # the tail is rendered until it has died away


@pytest.mark.parametrize("sample_rate", [44100, 48000])
def test_note_onsets_land_within_a_millisecond_of_the_song_time(staccato_song, onset_ticks, sample_rate):
    song = staccato_song(onset_ticks)
    audio = render_to_array(song, sample_rate=sample_rate, effects=False)
    expected = [round(song.tick_to_seconds(t) * sample_rate) for t in onset_ticks]
    onsets = onset_frames(audio, expected)
    attack_frames = onsets[0] - expected[0]  # the first note starts on frame 0: its delay is the sample's attack
    errors_ms = [(onset - attack_frames - want) / sample_rate * 1000 for onset, want in zip(onsets, expected)]
    assert max(abs(e) for e in errors_ms) < 1.0, errors_ms


def test_an_event_off_the_block_grid_lands_within_half_a_block_of_its_exact_frame(staccato_song):
    """FluidSynth starts voices only on 64-frame block boundaries; the renderer picks the nearest one."""
    reference = staccato_song(ticks=(0,))
    off_grid_tick = 1017  # 46723.1 frames: 3.1 frames past a block boundary would be late by 61 frames if ceiled
    shifted = staccato_song(ticks=(0, off_grid_tick))
    exact_frame = shifted.tick_to_seconds(off_grid_tick) * RATE
    assert exact_frame % FLUIDSYNTH_BLOCK_FRAMES > 1
    attack = onset_frames(render_to_array(reference, effects=False), [0])[0]
    onset = onset_frames(render_to_array(shifted, effects=False), [round(exact_frame)])[0]
    assert abs(onset - attack - exact_frame) <= FLUIDSYNTH_BLOCK_FRAMES / 2 + 1


def test_mute_and_solo_change_what_is_rendered(two_track_song):
    both = render_to_array(two_track_song, effects=False)
    two_track_song.tracks[1].muted = True
    melody_only = render_to_array(two_track_song, effects=False)
    two_track_song.tracks[1].muted = False
    two_track_song.tracks[1].solo = True
    bass_only = render_to_array(two_track_song, effects=False)
    frames = min(len(both), len(melody_only), len(bass_only))
    assert rms(both[:frames] - melody_only[:frames]) > 1e-3
    assert rms(both[:frames] - bass_only[:frames]) > 1e-3
    # Without effects voices simply add up, so the parts sum to the whole.
    assert rms(both[:frames] - melody_only[:frames] - bass_only[:frames]) < 1e-4


def test_extra_tracks_are_heard(staccato_song):
    song = staccato_song(ticks=(0,))
    suggestion = Track("suggestion", channel=1, notes=[Note(48, 480, 240)])
    plain = render_to_array(song, effects=False)
    with_suggestion = render_to_array(song, extra_tracks=[suggestion], effects=False)
    assert len(plain) < RATE // 2 < len(with_suggestion)  # the suggestion's note starts at 0.5 s
    assert rms(with_suggestion[RATE // 2:]) > 1e-3


@pytest.mark.parametrize("sample_rate", [44100, 48000])
@pytest.mark.parametrize("bit_depth", [16, 24])
def test_wav_headers_and_samples(tmp_path, two_track_song, sample_rate, bit_depth):
    path = tmp_path / "song.wav"
    result = render_to_wav(two_track_song, path, sample_rate=sample_rate, bit_depth=bit_depth)
    with wave.open(str(path)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (2, bit_depth // 8, sample_rate)
        assert reader.getnframes() == result.frames
        raw = reader.readframes(result.frames)
    assert result.path == path and not result.clipped
    assert result.seconds == pytest.approx(result.frames / sample_rate)
    assert two_track_song.length_seconds < result.seconds <= two_track_song.length_seconds + MAX_TAIL_SECONDS
    if bit_depth == 24:
        padded = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        samples = (np.pad(padded, ((0, 0), (1, 0))).view("<i4").ravel() >> 8) / 8388607.0
    else:
        samples = np.frombuffer(raw, "<i2") / 32767.0
    assert np.abs(samples).max() == pytest.approx(result.peak, abs=2e-4)


def test_progress_runs_from_zero_to_one(tmp_path, two_track_song):
    fractions = []
    render_to_wav(two_track_song, tmp_path / "song.wav", progress=fractions.append)
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) > 2


def test_a_cancelled_render_leaves_the_previous_file_untouched(tmp_path, two_track_song):
    path = tmp_path / "song.wav"
    path.write_bytes(b"the user's previous export")

    def cancel(fraction):
        if fraction > 0.5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        render_to_wav(two_track_song, path, progress=cancel)
    assert path.read_bytes() == b"the user's previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["song.wav"]  # no temporary file left behind


def test_unsupported_formats_are_refused(tmp_path, two_track_song):
    with pytest.raises(ValueError, match="bit depth"):
        render_to_wav(two_track_song, tmp_path / "a.wav", bit_depth=8)
    with pytest.raises(ValueError, match="sample rate"):
        render_to_wav(two_track_song, tmp_path / "a.wav", sample_rate=1000)


def test_missing_soundfont_names_the_file(tmp_path, two_track_song):
    missing = tmp_path / "nowhere.sf2"
    with pytest.raises(SoundFontError, match="not found.*nowhere.sf2"):
        render_to_array(two_track_song, soundfont=missing)


def test_a_file_that_is_not_a_soundfont_is_refused(tmp_path):
    fake = tmp_path / "notes.sf2"
    fake.write_bytes(b"MThd\x00\x00\x00\x06" + bytes(100))
    with pytest.raises(SoundFontError, match="not a SoundFont.*notes.sf2"):
        SoundFontSynth(fake)


def test_a_corrupt_soundfont_body_is_refused(tmp_path):
    corrupt = tmp_path / "broken.sf2"
    corrupt.write_bytes(b"RIFF" + (4 + 64).to_bytes(4, "little") + b"sfbk" + bytes(64))
    with pytest.raises(SoundFontError, match="could not load.*broken.sf2"):
        SoundFontSynth(corrupt)


def test_a_truncated_soundfont_is_refused_before_fluidsynth_reads_it(tmp_path):
    cut = tmp_path / "cut.sf3"
    cut.write_bytes(default_soundfont_path().read_bytes()[:5000])
    with pytest.raises(SoundFontError, match=r"truncated \(5,000 of .* bytes\).*cut.sf3"):
        SoundFontSynth(cut)


def test_a_directory_is_not_a_soundfont(tmp_path):
    with pytest.raises(SoundFontError, match="not a file"):
        SoundFontSynth(tmp_path)


def test_an_empty_song_renders_an_empty_wav(tmp_path):
    result = render_to_wav(Song(tracks=[Track("empty")]), tmp_path / "empty.wav")
    assert result.frames == 0 and result.peak == 0.0
    with wave.open(str(result.path)) as reader:
        assert reader.getnframes() == 0 and reader.getnchannels() == 2


def test_a_long_note_reports_progress_while_it_renders():
    fractions = []
    render_to_array(Song(tracks=[Track(notes=[Note(60, 0, 480 * 20)])]), progress=fractions.append)
    assert len([f for f in fractions if 0 < f < 1]) >= 5  # 10 s of one note, not one jump from 0 to 1
