"""Files shipped with kapdesk (``assets/``, ``music/``), found in an installed wheel and in a
source checkout alike."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _folder(name: str) -> Path:
    packaged = Path(str(files("kapdesk"))) / name
    if packaged.is_dir():  # a wheel: the folder was copied into the package
        return packaged
    return Path(__file__).resolve().parent.parent / name  # a checkout or editable install


def asset_path(name: str) -> Path:
    return _folder("assets") / name


def music_dir() -> Path:
    return _folder("music")
