"""Sending text messages (SMS) through a pluggable backend, as Django sends e-mail.

`settings.SMS_BACKEND` names the backend class by dotted path: the console backend writes each
message to the server log (the default, and what `make run` uses), the in-memory backend keeps
them in `accounts.sms.outbox` for tests, and the Aliyun backend sends them for real. Providers in
mainland China send only pre-approved templates, so a message is a template name with
parameters; the text is rendered here for the log and the tests, and by the provider for real.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

# Messages sent through the in-memory backend, like django.core.mail.outbox.
outbox = []

# The templates the site sends: their text here must match the ones approved at the provider.
TEMPLATES = {
    "verification_code": _(
        "Your confirmation code is %(code)s, valid for %(minutes)s minutes. "
        "Do not give it to anyone."
    ),
    "registration_attempt": _(
        "Someone tried to register this number on the fire safety learning platform or add it "
        "to another account. It stays on your account: sign in with it. If it was not you, "
        "ignore this message."
    ),
}


class SmsSendError(Exception):
    """The provider refused or could not be reached; the message was not sent."""


@dataclass
class SmsMessage:
    """One text message to one mainland mobile number."""

    phone: str
    template: str
    params: dict = field(default_factory=dict)

    @property
    def text(self):
        return str(TEMPLATES[self.template]) % self.params


def get_backend(backend=None, **kwargs):
    """An instance of the configured backend (or the one named)."""
    return import_string(backend or settings.SMS_BACKEND)(**kwargs)


def send_sms(phone, template, **params):
    """Send one templated message; raises SmsSendError when it could not be sent."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown SMS template {template!r}")
    message = SmsMessage(phone=phone, template=template, params=params)
    get_backend().send(message)
    return message
