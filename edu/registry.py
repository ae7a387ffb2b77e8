"""A small typed registry: how a lower layer learns about a higher one without importing it.

The lower layer declares the registry (``lesson_actions = Registry[LessonAction]("lesson actions")``);
the higher layer registers entries from its AppConfig.ready(). The lower layer only iterates."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: list[T] = []

    def register(self, entry: T) -> T:
        """Add ``entry`` once (registering the same entry again is a no-op); usable as a decorator."""
        if entry not in self._entries:
            self._entries.append(entry)
        return entry

    def __iter__(self) -> Iterator[T]:
        return iter(tuple(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {len(self._entries)} entries>"


@dataclass(frozen=True)
class Section:
    """A part of a page that a higher layer contributes: a template and its context. The page
    includes ``template`` with the section as ``section`` (so the template reads ``section.context``)."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
