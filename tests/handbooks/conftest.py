import pytest

from .builders import make_handbook, make_handbook_index


@pytest.fixture
def handbook_index(home_page):
    return make_handbook_index(home_page)


@pytest.fixture
def handbook(handbook_index):
    return make_handbook(handbook_index)
