"""Files shipped with kapdesk (``assets/``, ``music/``), found in an installed wheel and in a
source checkout alike."""

from __future__ import annotations

from pathlib import Path

# Found beside this file rather than through importlib.resources, whose import (tempfile,
# zipfile ...) cost the start-up ~8 ms for a path kapdesk knows: the package is always a
# folder (a wheel installs it unzipped; hatch copies assets/ and music/ into it).
_PACKAGE = Path(__file__).resolve().parent


def _folder(name: str) -> Path:
    packaged = _PACKAGE / name
    if packaged.is_dir():  # a wheel: the folder was copied into the package
        return packaged
    return _PACKAGE.parent / name  # a checkout or editable install


def asset_path(name: str) -> Path:
    return _folder("assets") / name


def music_dir() -> Path:
    return _folder("music")
