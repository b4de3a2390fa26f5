"""The song's clocks: ticks <-> seconds through tempo changes, ticks <-> bars and beats through meter changes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cocomposer.core import KeySignature
from cocomposer.core.timing import MeterMap, TempoChange, TempoMap, TimeSignature

PPQ = 480

tempo_changes = st.lists(st.tuples(st.integers(1, 200_000), st.floats(20, 300)), max_size=6)
meters = st.lists(st.tuples(st.integers(1, 40), st.integers(1, 12), st.sampled_from([2, 4, 8, 16])), max_size=5)


@given(tempo_changes, st.floats(20, 300), st.lists(st.integers(0, 400_000), min_size=1, max_size=50))
def test_seconds_and_ticks_convert_back_and_forth(changes, first_bpm, ticks):
    tempo = TempoMap(PPQ, [TempoChange(0, first_bpm)] + [TempoChange(t, b) for t, b in changes])
    seconds = tempo.tick_to_seconds(np.array(ticks))
    assert np.all(np.diff(seconds[np.argsort(ticks)]) >= 0)  # time never runs backwards
    np.testing.assert_allclose(tempo.seconds_to_tick(seconds), ticks, atol=1e-6)


def test_seconds_follow_each_tempo_change():
    tempo = TempoMap(PPQ, [TempoChange(0, 120), TempoChange(4 * PPQ, 60)])
    assert tempo.tick_to_seconds(4 * PPQ) == pytest.approx(2.0)  # four beats at 120 bpm
    assert tempo.tick_to_seconds(5 * PPQ) == pytest.approx(3.0)  # then one beat at 60 bpm
    assert tempo.bpm_at(4 * PPQ - 1) == 120 and tempo.bpm_at(4 * PPQ) == 60


@given(meters, st.integers(0, 200))
def test_bars_and_ticks_convert_back_and_forth(changes, bar):
    meter = MeterMap(PPQ)
    signatures, tick = [TimeSignature(0)], 0
    for bars, numerator, denominator in changes:  # each change lands on a bar line of the one before
        tick += bars * meter.ticks_per_bar(signatures[-1])
        signatures.append(TimeSignature(tick, numerator, denominator))
    meter.set_signatures(signatures)
    start = meter.bar_to_tick(bar)
    assert meter.tick_to_bar_beat(start) == (bar, 0, 0)
    assert meter.tick_to_bar_beat(meter.bar_to_tick(bar + 1) - 1)[0] == bar


def test_three_four_then_six_eight():
    meter = MeterMap(PPQ, [TimeSignature(0, 3, 4), TimeSignature(2 * 3 * PPQ, 6, 8)])
    assert meter.bar_to_tick(2) == 6 * PPQ
    assert meter.tick_to_bar_beat(6 * PPQ + 5 * PPQ // 2) == (2, 5, 0)  # the sixth eighth of bar 3
    assert meter.bar_lines(0, 9 * PPQ) == [0, 3 * PPQ, 6 * PPQ, 9 * PPQ]


def test_keys_parse_and_give_their_scales():
    # natural minor plus the raised seventh (C# in D minor), as the chorales use it
    assert KeySignature.parse("D minor").scale_pitch_classes() == frozenset({2, 4, 5, 7, 9, 10, 0, 1})
    assert KeySignature.parse("F# major").name == "F# major"
    with pytest.raises(ValueError):
        KeySignature.parse("H dorian")
