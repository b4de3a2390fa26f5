"""Where CoComposer's bundled files live: the demo song, the SoundFont and the AI model.

Everything that needs a shipped file asks here, so a source checkout, an editable install and an
installed wheel (files under `<prefix>/share/cocomposer`) all find them the same way.
"""

from __future__ import annotations

import os
import site
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent

# COCOMPOSER_DATA_DIR lets packagers put resources/ and soundfonts/ anywhere; a wheel installs them
# under <prefix>/share/cocomposer (the user base for `pip install --user`).
_DATA_ROOT_CANDIDATES = [
    Path(p) for p in (os.environ.get("COCOMPOSER_DATA_DIR"),) if p
] + [REPO_ROOT, Path(sys.prefix) / "share" / "cocomposer", Path(site.getuserbase()) / "share" / "cocomposer"]


def _data_root() -> Path:
    """The first candidate that holds resources/ (a source checkout wins over an installed copy)."""
    for root in _DATA_ROOT_CANDIDATES:
        if (root / "resources").is_dir():
            return root
    return REPO_ROOT


DATA_ROOT = _data_root()
RESOURCES_DIR = DATA_ROOT / "resources"
SOUNDFONTS_DIR = DATA_ROOT / "soundfonts"
DEMO_DIR = RESOURCES_DIR / "demo"

DEFAULT_SOUNDFONT_NAME = "FluidR3Mono_GM.sf3"
DEMO_SONG_NAME = "demo.ccsong"


def default_soundfont_path() -> Path:
    """The bundled General MIDI SoundFont (FluidR3Mono, MIT licence)."""
    return SOUNDFONTS_DIR / DEFAULT_SOUNDFONT_NAME


def demo_song_path() -> Path:
    """The bundled demo melody as a CoComposer project (a .mid copy sits beside it)."""
    return DEMO_DIR / DEMO_SONG_NAME


def is_bundled(path: str | os.PathLike) -> bool:
    """True for a file shipped with CoComposer (under resources/): the editor opens these but never writes them."""
    return Path(path).resolve().is_relative_to(RESOURCES_DIR.resolve())


def shared_data_dir() -> Path | None:
    """The team's shared data folder (training corpora), which sits next to the repository, or None."""
    candidate = REPO_ROOT.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None
