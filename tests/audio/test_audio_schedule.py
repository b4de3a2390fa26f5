"""The event scheduler: order, windows, mute/solo, extra tracks, metronome and channel set-up."""

import numpy as np

from cocomposer.audio.schedule import (CLICK_ACCENT_PITCH, CLICK_PITCH, CONTROL_PAN, CONTROL_VOLUME, DRUM_BANK,
                                       EventKind, assign_channels, schedule_song)
from cocomposer.core import Note, Song, TempoChange, Track


def notes_of(schedule, kind):
    """(seconds, channel, pitch) of every event of `kind`."""
    rows = schedule.kinds == kind
    return list(zip(schedule.seconds[rows].round(6), schedule.channels[rows], schedule.data1[rows]))


def test_events_are_time_ordered_with_seconds_from_the_tempo_map():
    song = Song(tracks=[Track(notes=[Note(60, 0, 480), Note(62, 960, 480)])],
                tempos=[TempoChange(0, 120.0), TempoChange(960, 60.0)])
    schedule = schedule_song(song)
    assert np.all(np.diff(schedule.seconds) >= 0)
    assert notes_of(schedule, EventKind.NOTE_ON) == [(0.0, 0, 60), (1.0, 0, 62)]
    assert notes_of(schedule, EventKind.NOTE_OFF) == [(0.5, 0, 60), (2.0, 0, 62)]
    assert schedule.duration_seconds == 2.0
    assert schedule.sample_positions(48000).tolist()[-1] == 96000


def test_repeated_pitch_note_off_sorts_before_the_next_note_on():
    song = Song(tracks=[Track(notes=[Note(60, 0, 480), Note(60, 480, 480)])])
    schedule = schedule_song(song)
    at_half_second = schedule.seconds == 0.5
    assert schedule.kinds[at_half_second].tolist() == [EventKind.NOTE_OFF, EventKind.NOTE_ON]


def test_each_track_gets_program_volume_and_pan_before_its_notes():
    song = Song(tracks=[Track(program=40, channel=3, volume=90, pan=20, notes=[Note(60, 0, 10)])])
    schedule = schedule_song(song)
    first_three = list(zip(schedule.kinds[:3], schedule.channels[:3], schedule.data1[:3], schedule.data2[:3]))
    assert first_three == [(EventKind.PROGRAM, 3, 40, 0), (EventKind.CONTROL, 3, CONTROL_VOLUME, 90),
                           (EventKind.CONTROL, 3, CONTROL_PAN, 20)]


def test_drums_use_channel_9_and_the_percussion_bank():
    song = Song(tracks=[Track(program=0, channel=2, is_drum=True, notes=[Note(36, 0, 10)])])
    schedule = schedule_song(song)
    program = schedule.kinds == EventKind.PROGRAM
    assert schedule.channels[program].tolist() == [9]
    assert schedule.data2[program].tolist() == [DRUM_BANK]


def test_tracks_sharing_a_channel_with_different_sounds_are_separated():
    piano, strings, doubled_piano = Track(program=0, channel=0), Track(program=48, channel=0), Track(program=0, channel=0)
    channels = assign_channels([piano, strings, doubled_piano])
    assert channels[0] == channels[2] == 0
    assert channels[1] not in (0, 9)


def test_mute_and_solo_choose_the_audible_tracks():
    lead = Track("lead", channel=0, notes=[Note(72, 0, 10)])
    bass = Track("bass", channel=1, notes=[Note(36, 0, 10)])
    song = Song(tracks=[lead, bass])
    assert sorted(p for _, _, p in notes_of(schedule_song(song), EventKind.NOTE_ON)) == [36, 72]
    bass.muted = True
    assert [p for _, _, p in notes_of(schedule_song(song), EventKind.NOTE_ON)] == [72]
    bass.solo = True  # solo wins over mute, and silences the unsoloed lead
    assert [p for _, _, p in notes_of(schedule_song(song), EventKind.NOTE_ON)] == [36]


def test_window_plays_notes_starting_inside_and_releases_them_at_its_end():
    song = Song(tracks=[Track(notes=[Note(60, 0, 960), Note(62, 960, 960), Note(64, 1920, 480)])])
    schedule = schedule_song(song, start_tick=480, end_tick=1440)
    assert notes_of(schedule, EventKind.NOTE_ON) == [(0.5, 0, 62)]  # 960 ticks is 0.5 s after the window start
    assert notes_of(schedule, EventKind.NOTE_OFF) == [(1.0, 0, 62)]  # cut at the window end, 1440 ticks
    assert schedule.tick_at(0.5) == 960.0


def test_extra_tracks_sound_with_the_song():
    song = Song(tracks=[Track(notes=[Note(60, 0, 480)])])
    suggestion = Track("suggestion", channel=0, notes=[Note(64, 0, 480), Note(67, 480, 480)])
    schedule = schedule_song(song, extra_tracks=[suggestion])
    assert sorted(p for _, _, p in notes_of(schedule, EventKind.NOTE_ON)) == [60, 64, 67]
    assert schedule.end_tick == 960  # the window covers the extra track's last note


def test_metronome_clicks_every_beat_with_an_accent_on_each_bar():
    song = Song(tracks=[Track(notes=[Note(60, 0, 8 * 480)])])
    clicks = [(s, p) for s, c, p in notes_of(schedule_song(song, metronome=True), EventKind.NOTE_ON) if c == 9]
    assert [p for _, p in clicks] == [CLICK_ACCENT_PITCH, CLICK_PITCH, CLICK_PITCH, CLICK_PITCH] * 2
    assert [s for s, _ in clicks] == [0.5 * beat for beat in range(8)]


def test_count_in_precedes_the_song_and_holds_the_playhead():
    song = Song(tracks=[Track(notes=[Note(60, 960, 480)])])
    schedule = schedule_song(song, start_tick=960, count_in_bars=1)
    assert schedule.count_in_seconds == 2.0
    assert [s for s, c, _ in notes_of(schedule, EventKind.NOTE_ON) if c == 9] == [0.0, 0.5, 1.0, 1.5]
    assert [s for s, c, _ in notes_of(schedule, EventKind.NOTE_ON) if c == 0] == [2.0]
    assert schedule.tick_at(1.0) == 960.0
    assert schedule.tick_at(2.25) == 1200.0


def test_empty_song_schedules_nothing():
    assert len(schedule_song(Song())) == 0


def test_a_hundred_thousand_notes_schedule_in_order():
    rng = np.random.default_rng(1)
    tracks = [Track(channel=c, notes=[Note(int(p), int(t), 240) for p, t in
                                      zip(rng.integers(30, 90, 25_000), rng.integers(0, 1_000_000, 25_000))])
              for c in range(4)]
    schedule = schedule_song(Song(tracks=tracks))
    assert np.count_nonzero(schedule.kinds == EventKind.NOTE_ON) == 100_000
    assert np.all(np.diff(schedule.seconds) >= 0)
