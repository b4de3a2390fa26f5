"""Hypothesis strategies for Songs, shared by the MIDI and project-file round-trip tests."""

from __future__ import annotations

from hypothesis import strategies as st

from cocomposer.core import KeySignature, Note, Song, TempoChange, TimeSignature, Track, VoiceRole

MAX_TICK = 20_000


@st.composite
def notes(draw, max_notes: int = 30, allow_lock: bool = False) -> list[Note]:
    count = draw(st.integers(0, max_notes))
    return [Note(draw(st.integers(0, 127)), draw(st.integers(0, MAX_TICK)), draw(st.integers(1, 2_000)),
                 draw(st.integers(1, 127)), draw(st.booleans()) if allow_lock else False)
            for _ in range(count)]


def _name_characters(any_script: bool) -> st.SearchStrategy[str]:
    """Project files hold any text; MIDI round trips use ASCII (see tracks())."""
    return st.characters(exclude_categories=("Cs",)) if any_script else st.characters(codec="ascii",
                                                                                     exclude_categories=("Cc",))


@st.composite
def tracks(draw, channel: int, allow_project_only: bool = False) -> Track:
    is_drum = channel == 9
    return Track(
        # Trimmed on import; voice-role names would set a voice. ASCII, as other readers (pretty_midi)
        # decode names as latin-1 while ours prefers UTF-8 (tested on its own).
        name=draw(st.text(_name_characters(allow_project_only), min_size=1, max_size=12)
                  .map(str.strip).filter(lambda name: name and name.lower() not in {r.value for r in VoiceRole})),
        program=draw(st.integers(0, 127)),
        channel=channel,
        is_drum=is_drum,
        volume=draw(st.integers(0, 127)),
        pan=draw(st.integers(0, 127)),
        muted=draw(st.booleans()) if allow_project_only else False,
        solo=draw(st.booleans()) if allow_project_only else False,
        color=draw(st.sampled_from(["#4a90d9", "#d9534f", "#5cb85c"])) if allow_project_only else "#4a90d9",
        voice=draw(st.sampled_from([None, *VoiceRole])) if allow_project_only else None,
        locked=draw(st.booleans()) if allow_project_only else False,
        notes=draw(notes(allow_lock=allow_project_only)),
    )


@st.composite
def songs(draw, allow_project_only: bool = False) -> Song:
    """Songs with 0-4 tracks on distinct channels (one may be drums), tempo, meter and key changes."""
    channels = draw(st.lists(st.integers(0, 15), max_size=4, unique=True))
    ppq = draw(st.sampled_from([96, 240, 480, 960]))
    tempos = [TempoChange(tick, draw(st.integers(30, 240)) + draw(st.sampled_from([0.0, 0.5, 0.25])))
              for tick in sorted(set([0] + draw(st.lists(st.integers(1, MAX_TICK), max_size=3))))]
    meters = [TimeSignature(tick, draw(st.integers(1, 12)), draw(st.sampled_from([2, 4, 8, 16])))
              for tick in sorted(set([0] + draw(st.lists(st.integers(1, MAX_TICK), max_size=2))))]
    keys = [KeySignature(tick, draw(st.integers(0, 11)), draw(st.sampled_from(["major", "minor"])))
            for tick in sorted(set(draw(st.lists(st.integers(0, MAX_TICK), max_size=2))))]
    song = Song(ppq=ppq, tempos=tempos, time_signatures=meters, keys=keys,
                title=draw(st.text(_name_characters(allow_project_only), max_size=12)
                           .map(str.strip)),
                ai_settings=draw(st.dictionaries(st.text(max_size=8), st.one_of(
                    st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
                    st.booleans(), st.none()), max_size=3)) if allow_project_only else None)
    song.tracks = [draw(tracks(channel, allow_project_only)) for channel in channels]
    return song
