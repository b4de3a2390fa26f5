"""The track list: one row per track with its sound (GM instrument), mix, colour, voice role and lock.

Clicking a row makes that track the one the roll edits. Every change is an undo command; the rows
only mirror the tracks and rebuild when the document says the track list changed.
"""

from __future__ import annotations

import pretty_midi
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import (QColorDialog, QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
                               QScrollArea, QSlider, QToolButton, QVBoxLayout, QWidget)

from cocomposer.core import Track, VoiceRole
from cocomposer.ui import commands
from cocomposer.ui.document import SongDocument

DRUM_KIT_LABEL = "Drum kit"
VOICE_CHOICES = (("–", None), ("S", VoiceRole.SOPRANO), ("A", VoiceRole.ALTO), ("T", VoiceRole.TENOR), ("B", VoiceRole.BASS))
INSTRUMENT_LABELS = [DRUM_KIT_LABEL] + [f"{i + 1:03d} {name}" for i, name in enumerate(pretty_midi.constants.INSTRUMENT_MAP)]


def _toggle(text: str, tip: str, checked_color: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setCheckable(True)
    button.setFixedSize(24, 22)
    button.setStyleSheet(f"QToolButton {{ background: #1e2024; border: 1px solid #3a3f46; font-weight: bold; }}"
                         f"QToolButton:checked {{ background: {checked_color}; color: #111; }}")
    return button


class TrackRow(QFrame):
    """One track's controls. `activated` asks to make this the track being edited."""

    activated = Signal(object)

    def __init__(self, doc: SongDocument, track: Track, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.track = doc, track
        self.setObjectName("TrackRow")
        self.color_button = QToolButton()
        self.color_button.setFixedSize(16, 40)
        self.color_button.setToolTip("Track colour")
        self.name_edit = QLineEdit()
        self.name_edit.setToolTip("Track name")
        self.mute_button = _toggle("M", "Mute", "#e3c041")
        self.solo_button = _toggle("S", "Solo", "#5bbf6a")
        self.lock_button = _toggle("L", "Lock: the AI never writes into this track", "#e0703a")
        self.instrument_box = QComboBox()
        self.instrument_box.addItems(INSTRUMENT_LABELS)
        self.instrument_box.setToolTip("General MIDI instrument")
        self.instrument_box.setMinimumWidth(140)
        self.voice_box = QComboBox()
        self.voice_box.addItems([label for label, _ in VOICE_CHOICES])
        self.voice_box.setToolTip("Voice role for the AI: Soprano, Alto, Tenor, Bass or none")
        self.volume_slider = QSlider(Qt.Horizontal)
        self.volume_slider.setRange(0, 127)
        self.volume_slider.setToolTip("Volume")
        self.pan_slider = QSlider(Qt.Horizontal)
        self.pan_slider.setRange(0, 127)
        self.pan_slider.setToolTip("Pan (left - right)")

        top = QHBoxLayout()
        top.setSpacing(3)
        top.addWidget(self.name_edit, 1)
        for button in (self.mute_button, self.solo_button, self.lock_button):
            top.addWidget(button)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 6, 4)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.color_button, 0, 0, 3, 1)
        grid.addLayout(top, 0, 1, 1, 4)
        grid.addWidget(self.instrument_box, 1, 1, 1, 3)
        grid.addWidget(self.voice_box, 1, 4)
        for column, (label, slider) in enumerate((("Vol", self.volume_slider), ("Pan", self.pan_slider))):
            caption = QLabel(label)
            caption.setStyleSheet("color: #8a9099; font-size: 10px;")
            grid.addWidget(caption, 2, 1 + 2 * column)
            grid.addWidget(slider, 2, 2 + 2 * column)

        for child in (self.color_button, self.name_edit, self.mute_button, self.solo_button, self.lock_button,
                      self.instrument_box, self.voice_box, self.volume_slider, self.pan_slider):
            child.installEventFilter(self)  # a click on any control of the row also selects its track
        self.refresh()
        self.color_button.clicked.connect(self._choose_color)
        self.name_edit.editingFinished.connect(self._rename)
        self.mute_button.toggled.connect(lambda on: self._set("Mute" if on else "Unmute", muted=on))
        self.solo_button.toggled.connect(lambda on: self._set("Solo" if on else "Unsolo", solo=on))
        self.lock_button.toggled.connect(lambda on: self._set("Lock track" if on else "Unlock track", locked=on))
        self.voice_box.currentIndexChanged.connect(lambda i: self._set("Set voice role", voice=VOICE_CHOICES[i][1]))
        self.instrument_box.currentIndexChanged.connect(self._set_instrument)
        self._slider_gesture = object()
        for slider, field, text in ((self.volume_slider, "volume", "Volume"), (self.pan_slider, "pan", "Pan")):
            slider.sliderPressed.connect(self._begin_slider_gesture)
            slider.valueChanged.connect(lambda value, f=field, t=text, s=slider: self._set_from_slider(s, t, f, value))

    def refresh(self) -> None:
        """Show the track's current state without issuing commands."""
        track = self.track
        widgets = (self.name_edit, self.mute_button, self.solo_button, self.lock_button, self.voice_box,
                   self.instrument_box, self.volume_slider, self.pan_slider)
        for widget in widgets:
            widget.blockSignals(True)
        if not self.name_edit.hasFocus():
            self.name_edit.setText(track.name)
        self.mute_button.setChecked(track.muted)
        self.solo_button.setChecked(track.solo)
        self.lock_button.setChecked(track.locked)
        self.voice_box.setCurrentIndex(next(i for i, (_, role) in enumerate(VOICE_CHOICES) if role == track.voice))
        self.instrument_box.setCurrentIndex(0 if track.is_drum else track.program + 1)
        self.volume_slider.setValue(track.volume)
        self.pan_slider.setValue(track.pan)
        for widget in widgets:
            widget.blockSignals(False)
        self.color_button.setStyleSheet(f"background: {track.color}; border: none; border-radius: 3px;")
        self.set_current(self.doc.current_track is track)

    def set_current(self, current: bool) -> None:
        border = self.track.color if current else "#2b2f35"
        background = "#343a42" if current else "#272a30"
        self.setStyleSheet(f"QFrame#TrackRow {{ background: {background}; border: 1px solid {border}; border-radius: 4px; }}")

    def _set(self, text: str, merge_key: object = None, **fields) -> None:
        if any(getattr(self.track, name) != value for name, value in fields.items()):
            self.doc.push(commands.TrackFieldsCommand(self.doc, self.track, f"{text} {self.track.name}", merge_key, **fields))

    def _begin_slider_gesture(self) -> None:
        self._slider_gesture = object()

    def _set_from_slider(self, slider: QSlider, text: str, field: str, value: int) -> None:
        """A drag merges into one undo step; each wheel or key step is its own."""
        self._set(text, merge_key=self._slider_gesture if slider.isSliderDown() else object(), **{field: value})

    def _rename(self) -> None:
        name = self.name_edit.text().strip()
        if name and name != self.track.name:
            self._set("Rename", name=name)
        else:
            self.name_edit.setText(self.track.name)

    def _set_instrument(self, index: int) -> None:
        self.doc.push(commands.set_instrument(self.doc, self.track, None if index == 0 else index - 1))

    def _choose_color(self) -> None:
        color = QColorDialog.getColor(QColor(self.track.color), self, "Track colour")
        if color.isValid():
            self._set("Colour", color=color.name())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.activated.emit(self.track)
        super().mousePressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.MouseButtonPress:
            self.activated.emit(self.track)
        return False


class TrackPanel(QWidget):
    """All track rows, in song order, with add/remove/reorder buttons."""

    def __init__(self, doc: SongDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.rows: list[TrackRow] = []
        self._rows_widget = QWidget()
        self._rows_layout = QVBoxLayout(self._rows_widget)
        self._rows_layout.setContentsMargins(4, 4, 4, 4)
        self._rows_layout.setSpacing(4)
        self._rows_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setWidget(self._rows_widget)
        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(4, 2, 4, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(self.buttons)
        layout.addWidget(scroll, 1)
        self.setMinimumWidth(300)
        doc.tracks_changed.connect(self.rebuild)
        doc.song_replaced.connect(self.rebuild)
        doc.track_changed.connect(self._refresh_track)
        doc.current_track_changed.connect(self._show_current)
        self.rebuild()

    def add_button(self, action) -> None:
        """Put an action (add, remove, move up/down) on the panel's button bar."""
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.buttons.addWidget(button)

    def finish_buttons(self) -> None:
        self.buttons.addStretch(1)

    def rebuild(self) -> None:
        for row in self.rows:
            self._rows_layout.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.rows = []
        for position, track in enumerate(self.doc.song.tracks):
            row = TrackRow(self.doc, track, self._rows_widget)
            row.activated.connect(self.doc.set_current_track)
            self._rows_layout.insertWidget(position, row)
            self.rows.append(row)

    def row_for(self, track: Track) -> TrackRow | None:
        return next((row for row in self.rows if row.track is track), None)

    def _refresh_track(self, track: Track) -> None:
        row = self.row_for(track)
        if row is not None:
            row.refresh()

    def _show_current(self, track: Track | None) -> None:
        for row in self.rows:
            row.set_current(row.track is track)
