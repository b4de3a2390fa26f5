"""The piano roll: note canvas, keyboard, bar ruler and velocity lane sharing one viewport."""

from cocomposer.ui.pianoroll.editor import PianoRollEditor

__all__ = ["PianoRollEditor"]
