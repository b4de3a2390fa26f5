"""A guard against a PySide6 defect that would otherwise abort the editor after a few thousand Qt calls.

PySide6 6.12 returns None from void methods (update(), fillRect(), processEvents()...) without taking
a reference to it. On Python 3.12+ None is immortal and nothing happens; on 3.11 every such call
lowers None's reference count by one until the interpreter aborts with "none_dealloc: deallocating
None". Giving None a huge reference count makes it as good as immortal, as newer Pythons do.
"""

from __future__ import annotations

import ctypes
import sys

_IMMORTAL_ENOUGH = 1 << 60


def protect_none_refcount() -> None:
    """Raise None's reference count far beyond anything the leak can use up (no-op on Python 3.12+)."""
    if sys.version_info >= (3, 12):
        return
    refcount = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is the first field of every PyObject
    if refcount.value < _IMMORTAL_ENOUGH:
        refcount.value += _IMMORTAL_ENOUGH
