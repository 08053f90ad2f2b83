"""Reading a rendered form's submit key, as a browser sends it back."""

import re

KEY_FIELD = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')


def form_key(html):
    """The submit key of the (first) form on the page."""
    match = KEY_FIELD.search(html)
    assert match, "the form carries no idempotency_key"
    return match.group(1)


def flashed(response):
    """The messages shown on the page a POST redirected to (client.post(..., follow=True))."""
    return [str(message) for message in response.context["messages"]]
