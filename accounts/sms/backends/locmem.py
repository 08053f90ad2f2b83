from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Keeps each message in accounts.sms.outbox: for tests."""

    def send(self, message):
        from accounts import sms

        sms.outbox.append(message)
