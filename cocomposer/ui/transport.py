"""Tempo, time signature, key and position fields of the transport bar (the buttons are actions).

Tempo, meter and key changes are undo commands on the song's first tempo/meter/key entry.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from cocomposer.core import KeySignature, TempoChange, TimeSignature
from cocomposer.ui.commands import SetTimingCommand
from cocomposer.ui.document import SongDocument
from cocomposer.ui.playback import PlaybackController

KEY_CHOICES = [KeySignature(0, tonic, mode) for mode in ("major", "minor") for tonic in range(12)]
DENOMINATORS = (1, 2, 4, 8, 16, 32, 64)  # every beat unit MeterMap accepts, so any file shows truthfully


class TransportFields(QWidget):
    def __init__(self, doc: SongDocument, playback: PlaybackController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.playback = doc, playback
        self.position_label = QLabel()
        self.position_label.setMinimumWidth(150)
        self.position_label.setToolTip("Playhead: bar.beat.tick and minutes:seconds")
        self.position_label.setStyleSheet("font-family: monospace; font-size: 13px; color: #f0a030;"
                                          "background: #1b1d21; border-radius: 3px; padding: 2px 8px;")
        self.tempo_box = QDoubleSpinBox()
        self.tempo_box.setRange(20.0, 400.0)
        self.tempo_box.setDecimals(1)
        self.tempo_box.setSuffix(" bpm")
        self.tempo_box.setKeyboardTracking(False)
        self.tempo_box.setToolTip("Tempo in quarter notes per minute")
        self.numerator_box = QSpinBox()
        self.numerator_box.setRange(1, 32)
        self.numerator_box.setKeyboardTracking(False)
        self.numerator_box.setToolTip("Beats per bar")
        self.denominator_box = QComboBox()
        self.denominator_box.addItems([str(d) for d in DENOMINATORS])
        self.denominator_box.setToolTip("Beat unit")
        self.key_box = QComboBox()
        self.key_box.addItems([k.name for k in KEY_CHOICES])
        self.key_box.setToolTip("Key: its scale is highlighted in the roll and guides the AI")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(6)
        layout.addWidget(self.position_label)
        for caption, widgets in (("Tempo", (self.tempo_box,)), ("Time", (self.numerator_box, QLabel("/"), self.denominator_box)),
                                 ("Key", (self.key_box,))):
            label = QLabel(caption)
            label.setStyleSheet("color: #8a9099;")
            layout.addSpacing(8)
            layout.addWidget(label)
            for widget in widgets:
                layout.addWidget(widget)

        self.refresh()
        self.show_position(playback.playhead)
        self.tempo_box.valueChanged.connect(self._set_tempo)
        self.numerator_box.valueChanged.connect(self._set_meter)
        self.denominator_box.currentIndexChanged.connect(self._set_meter)
        self.key_box.currentIndexChanged.connect(self._set_key)
        doc.timing_changed.connect(self.refresh)
        doc.song_replaced.connect(self.refresh)
        playback.playhead_moved.connect(self.show_position)

    def refresh(self) -> None:
        song = self.doc.song
        signature = song.time_signatures[0]
        key = song.key_at(0)
        for widget in (self.tempo_box, self.numerator_box, self.denominator_box, self.key_box):
            widget.blockSignals(True)
        self.tempo_box.setValue(song.tempos[0].bpm)
        self.numerator_box.setValue(signature.numerator)
        self.denominator_box.setCurrentIndex(DENOMINATORS.index(signature.denominator))
        self.key_box.setCurrentIndex(KEY_CHOICES.index(KeySignature(0, key.tonic, key.mode)) if key else 0)
        for widget in (self.tempo_box, self.numerator_box, self.denominator_box, self.key_box):
            widget.blockSignals(False)
        self.show_position(self.playback.playhead)

    def show_position(self, tick: int) -> None:
        bar, beat, in_beat = self.doc.song.tick_to_bar_beat(tick)
        seconds = self.doc.song.tick_to_seconds(tick)
        self.position_label.setText(f"{bar + 1:3d}.{beat + 1}.{in_beat:03d}  {int(seconds // 60)}:{seconds % 60:04.1f}")

    def _set_tempo(self, bpm: float) -> None:
        song = self.doc.song
        if abs(song.tempos[0].bpm - bpm) < 1e-6:
            return
        tempos = [TempoChange(0, bpm)] + song.tempos[1:]
        self.doc.push(SetTimingCommand(self.doc, f"Tempo {bpm:g} bpm", tempos=tempos))

    def _set_meter(self, *_) -> None:
        song = self.doc.song
        numerator, denominator = self.numerator_box.value(), DENOMINATORS[self.denominator_box.currentIndex()]
        first = song.time_signatures[0]
        if (first.numerator, first.denominator) == (numerator, denominator):
            return
        signatures = [TimeSignature(0, numerator, denominator)] + song.time_signatures[1:]
        self.doc.push(SetTimingCommand(self.doc, f"Time signature {numerator}/{denominator}", signatures=signatures))

    def _set_key(self, index: int) -> None:
        song = self.doc.song
        chosen = KEY_CHOICES[index]
        keys = [chosen] + [k for k in song.keys if k.tick > 0]
        self.doc.push(SetTimingCommand(self.doc, f"Key {chosen.name}", keys=keys))

