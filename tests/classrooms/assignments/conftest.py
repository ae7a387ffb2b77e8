"""Assignment fixtures: the personas' class and a real published library lesson."""

import pytest

from tests.factories import Library, build_library


@pytest.fixture
def library(personas, tmp_path) -> Library:
    return build_library(tmp_path)
