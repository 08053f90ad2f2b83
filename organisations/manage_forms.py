"""Forms of the coordinator area /manage/."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Membership

STATUS_CHOICES = [
    ("current", _("Current")),
    ("left", _("Left")),
    ("deactivated", _("Deactivated")),
    ("all", pgettext_lazy("filter", "All")),
]


class MemberFilterForm(forms.Form):
    """Search and filters of a member list; bad values fall back to the defaults."""

    q = forms.CharField(label=_("Name, phone or number"), required=False, max_length=60)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Membership.Role.choices]
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    subtree = forms.BooleanField(label=_("Include the organisations below"), required=False)


class AddMemberForm(forms.Form):
    """A new member: an existing phone attaches the membership to that person's account."""

    name = forms.CharField(label=_("Real name"), max_length=60)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        help_text=_("Required except for students. If the number has an account, it is reused."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    number = forms.CharField(
        label=_("Staff or student number"),
        max_length=30,
        required=False,
    )


class ChangeRoleForm(forms.Form):
    """The new role of a membership."""

    role = forms.ChoiceField(label=_("New role"), choices=Membership.Role.choices)


class MoveMemberForm(forms.Form):
    """The organisation (by id, checked against the scope) a member moves to."""

    organisation = forms.IntegerField(label=_("Move to"))
