"""Wagtail's user admin adapted to our User: one real name and an optional phone."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

PERSON_FIELDS = {"username", "name", "phone", "email", "is_superuser", "groups"}


class PersonCreationForm(UserCreationForm):
    first_name = None
    last_name = None
    email = forms.EmailField(required=False, label=_("E-mail address"))

    class Meta(UserCreationForm.Meta):
        fields = PERSON_FIELDS


class PersonEditForm(UserEditForm):
    first_name = None
    last_name = None
    email = forms.EmailField(required=False, label=_("E-mail address"))

    class Meta(UserEditForm.Meta):
        fields = PERSON_FIELDS | {"is_active"}


class UserViewSet(WagtailUserViewSet):
    template_prefix = "accounts/admin_users/"

    def get_form_class(self, for_update=False):
        return PersonEditForm if for_update else PersonCreationForm
