import pytest

from organisations.models import Membership
from tests.inspections.conftest import as_user, image_upload, member, place  # noqa: F401

Role = Membership.Role


@pytest.fixture
def district_lead(place):  # noqa: F811
    return member(place.district, Role.COORDINATOR, name="示例区协调员")
