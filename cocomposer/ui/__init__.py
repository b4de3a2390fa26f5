"""The desktop editor: Qt widgets that observe a core.Song and change it only through undo commands."""

from cocomposer.ui import qt_guard

qt_guard.protect_none_refcount()
