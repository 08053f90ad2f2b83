from django import template
from django.utils.html import format_html

from ..submits import FIELD, new_key

register = template.Library()


@register.simple_tag
def idempotency_key_field():
    """The hidden key of one rendering of a form whose view is under submit_once."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
