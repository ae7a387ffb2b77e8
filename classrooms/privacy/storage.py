"""Where export files live: ``VAR_DIR/exports``, outside MEDIA so no URL ever serves them; only
the download view streams them, after the access check."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def exports_dir() -> Path:
    path = Path(settings.VAR_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_path(file_name: str) -> Path | None:
    """The file of an export, or None when it has none (names are ours, never a user's input)."""
    if not file_name or "/" in file_name or "\\" in file_name or file_name.startswith("."):
        return None
    return exports_dir() / file_name


def export_file_delete(file_name: str) -> None:
    path = export_path(file_name)
    if path is not None:
        path.unlink(missing_ok=True)
