"""Live playback without a sound card: the device error, the audio clock, and the real path through
FluidSynth's sequencer and its 'file' audio driver (which plays in real time into a WAV file)."""

import threading
import time
import wave

import numpy as np
import pytest

from cocomposer.audio import playback
from cocomposer.audio.errors import AudioDeviceError, AudioError
from cocomposer.audio.playback import Player, PlayerState
from cocomposer.core import Note, Song, Track

RATE = 44100


def wav_samples(path) -> np.ndarray:
    with wave.open(str(path)) as reader:
        return np.frombuffer(reader.readframes(reader.getnframes()), "<i2").reshape(-1, 2) / 32768.0


def wait_until(condition, timeout_seconds=10.0):
    """Waits on the real-time audio thread, which a loaded machine can hold back for seconds."""
    deadline = time.monotonic() + timeout_seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def file_player(tmp_path, staccato_song):
    """A Player on FluidSynth's real-time file driver, writing what it plays to tmp_path/live.wav."""
    output = tmp_path / "live.wav"
    player = Player(staccato_song((0, 240, 480)), drivers=["file"], driver_settings={"audio.file.name": str(output)})
    yield player, output
    player.close()


@pytest.fixture
def clocked_player(monkeypatch, staccato_song):
    """A Player whose audio driver is mocked away: the test pulls audio itself, so it owns the clock."""
    monkeypatch.setattr(playback, "_new_audio_driver", lambda settings, synth: 1)
    monkeypatch.setattr(playback, "_delete_audio_driver", lambda driver: None)
    player = Player(staccato_song((0, 240, 960)))
    yield player
    player.close()


def test_no_device_raises_a_clear_audio_device_error(monkeypatch, two_track_song):
    monkeypatch.setattr(playback, "_new_audio_driver", lambda settings, synth: None)
    with pytest.raises(AudioDeviceError, match="no audio output device could be opened.*alsa.*Rendering to WAV still works"):
        Player(two_track_song, drivers=["pulseaudio", "alsa"])


def test_the_error_carries_fluidsynths_reason_per_driver(two_track_song):
    with pytest.raises(AudioDeviceError, match="no-such-driver: Couldn't find the requested audio driver"):
        Player(two_track_song, drivers=["no-such-driver"])


def test_a_closed_player_refuses_to_play(clocked_player):
    clocked_player.close()
    with pytest.raises(AudioError, match="closed"):
        clocked_player.play(0)


def test_the_playhead_follows_the_audio_clock_not_the_wall_clock(clocked_player):
    clocked_player.play(0)
    time.sleep(0.2)  # wall time passes, but no audio is pulled: the playhead must not move
    assert clocked_player.position_ticks == 0
    latency_frames = clocked_player.output_latency_ms * RATE // 1000
    audio = clocked_player._synth.render(RATE // 2 + latency_frames)  # what the driver would pull in 0.5 s
    # 0.5 s of audio minus the start delay at 120 bpm / 480 PPQ is ~450 ticks (the clock counts whole ms).
    expected = (0.5 - playback.START_DELAY_MS / 1000) * 960
    assert clocked_player.position_ticks == pytest.approx(expected, abs=2)
    # The first note-on was queued START_DELAY_MS ahead; the sequencer fires it on FluidSynth's block
    # grid (64 frames, up to two blocks late) and the piano sample adds about 1.5 ms of attack.
    delay_frames = playback.START_DELAY_MS * RATE // 1000
    first_onset = int(np.argmax(np.abs(audio).max(axis=1) > 1e-3))
    assert 0 <= first_onset - delay_frames < 2 * 64 + 0.002 * RATE


def test_plays_through_the_file_driver_and_stops_at_the_end(file_player):
    player, output = file_player
    player.play(0)
    assert player.state is PlayerState.PLAYING
    positions = []
    while player.is_playing:
        positions.append(player.position_ticks)
        time.sleep(0.05)
        assert len(positions) < 100, "playback never finished"
    assert positions == sorted(positions) and positions[-1] > 240
    assert player.position_ticks == player.song.length_ticks
    player.close()
    assert np.abs(wav_samples(output)).max() > 0.01


def test_pause_holds_the_position_and_play_resumes_there(file_player):
    player, _ = file_player
    player.play(0)
    wait_until(lambda: player.position_ticks > 100)
    player.pause()
    held = player.position_ticks
    time.sleep(0.2)
    assert player.state is PlayerState.PAUSED and player.position_ticks == held
    player.play()
    assert player.position_ticks >= held


def test_stop_silences_at_once(file_player):
    player, output = file_player
    player.song = Song(tracks=[Track(program=48, notes=[Note(60, 0, 4800)])])  # a long string note
    player.play(0)
    wait_until(lambda: player.position_ticks > 200)
    player.stop()
    stopped_at = player.audio_clock_ms
    wait_until(lambda: player.audio_clock_ms > stopped_at + 400)
    player.close()
    samples = wav_samples(output)
    assert np.abs(samples[:stopped_at * RATE // 1000]).max() > 0.01
    assert np.abs(samples[(stopped_at + 300) * RATE // 1000:]).max() < 1e-3


def test_a_loop_region_repeats(file_player):
    player, _ = file_player
    player.play(0, loop=(0, 240))  # a quarter second
    time.sleep(0.8)
    assert player.is_playing and 0 <= player.position_ticks <= 240
    with pytest.raises(ValueError):
        player.play(0, loop=(480, 240))


def test_metronome_and_count_in_keep_playing(file_player):
    player, _ = file_player
    player.set_metronome(True, count_in_bars=1)
    player.play(0)
    time.sleep(0.3)
    assert player.is_playing and player.position_ticks == 0  # still counting in (2 s at 120 bpm)
    player.set_metronome(False)  # rescheduled at once, without a second count-in
    wait_until(lambda: player.position_ticks > 0)


def test_note_preview_sounds_while_stopped(file_player):
    player, output = file_player
    before = player.audio_clock_ms
    player.play_note(channel=0, program=0, pitch=67, velocity=110, seconds=0.2)
    wait_until(lambda: player.audio_clock_ms > before + 300)
    player.close()
    assert np.abs(wav_samples(output)[before * RATE // 1000:]).max() > 0.01


def test_a_held_note_sounds_until_note_off(file_player):
    player, output = file_player
    start = player.audio_clock_ms
    player.note_on(channel=2, program=48, pitch=60, velocity=110)  # strings sustain while held
    wait_until(lambda: player.audio_clock_ms > start + 700)
    player.note_off(channel=2, pitch=60)
    released = player.audio_clock_ms
    wait_until(lambda: player.audio_clock_ms > released + 1500)
    player.close()
    samples = wav_samples(output)
    assert np.abs(samples[(start + 500) * RATE // 1000:(start + 700) * RATE // 1000]).max() > 0.01
    assert np.abs(samples[(released + 900) * RATE // 1000:]).max() < 0.005  # released: faded out


def test_a_loop_shorter_than_the_look_ahead_keeps_several_turns_queued(clocked_player):
    clocked_player.play(0, loop=(0, 96))  # 100 ms, a fifth of the look-ahead
    turns = len(clocked_player._passes)
    assert turns >= playback.LOOKAHEAD_MS // 100
    clocked_player._synth.render(RATE)  # one second of audio pulled: ten turns played
    assert 0 <= clocked_player.position_ticks <= 96 and clocked_player.is_playing


def test_transport_calls_from_several_threads_do_not_collide(file_player):
    """The editor calls from its UI thread while the feeder and audio threads run; nothing may break."""
    player, _ = file_player
    failures = []

    def hammer(actions):
        try:
            for _ in range(30):
                for action in actions:
                    action()
        except Exception as error:  # noqa: BLE001 - any exception is the failure being tested for
            failures.append(error)

    workers = [threading.Thread(target=hammer, args=(actions,)) for actions in (
        (lambda: player.play(0), player.pause, lambda: player.play()),
        (lambda: player.position_ticks, lambda: player.play_note(1, 0, 60, 80, 0.05)),
        (lambda: player.set_metronome(True), lambda: player.set_metronome(False), player.stop),
    )]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not failures
    player.play(0)
    wait_until(lambda: player.position_ticks > 0)
