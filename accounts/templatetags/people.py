"""How a person is named in lists and headings: never their phone in full by the back door."""

from django import template

from accounts.validators import name_for_lists

register = template.Library()


@register.filter
def list_name(person):
    """The real name, or the login name where there is none, masked when it is the phone.

    Takes a user or a row dict with name, username and phone (the reports' raw rows).
    """
    if isinstance(person, dict):
        return name_for_lists(person.get("name"), person.get("username"), person.get("phone"))
    return name_for_lists(person.name, person.username, person.phone)
