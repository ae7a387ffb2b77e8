"""Extension points of the class pages. Classrooms' core knows schools, classes and rosters; what
happens in a class (live sessions, assignments) registers a section here from its AppConfig.ready().

- ``classroom_sections``: each entry returns a section of a class's teacher page, or None.
"""

from __future__ import annotations

from collections.abc import Callable

from classrooms.models import Classroom
from edu.registry import Registry, Section

ClassroomSection = Callable[[Classroom], Section | None]

classroom_sections: Registry[ClassroomSection] = Registry("class page sections")


def sections_for(classroom: Classroom) -> list[Section]:
    return [section for entry in classroom_sections if (section := entry(classroom)) is not None]
