import pytest

from django.core.exceptions import ValidationError

from tests.factories import UserFactory


@pytest.mark.django_db
def test_phone_is_normalised_from_how_people_write_it():
    user = UserFactory(phone="+86 138-1234-5678")
    user.refresh_from_db()
    assert user.phone == "13812345678"


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "138123456789", "abcdefghijk"])
def test_phone_that_is_not_a_mainland_mobile_is_refused(phone):
    user = UserFactory.build(username="someone", phone=phone)
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "phone" in error.value.message_dict


@pytest.mark.django_db
def test_many_people_may_have_no_phone_but_a_phone_belongs_to_one_person():
    UserFactory(phone="")
    UserFactory(phone=None)
    UserFactory(phone="13912345678")
    other = UserFactory.build(username="other", phone="13912345678")
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert "phone" in error.value.message_dict


@pytest.mark.django_db
def test_phone_is_masked_for_display():
    user = UserFactory(phone="13812345678")
    assert user.masked_phone == "138****5678"


@pytest.mark.django_db
def test_the_real_name_is_the_full_name():
    user = UserFactory(name="李四")
    assert user.get_full_name() == "李四"
    assert str(user) == "李四"
