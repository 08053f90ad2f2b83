import logging

from .base import BaseSmsBackend

logger = logging.getLogger("accounts.sms")


class SmsBackend(BaseSmsBackend):
    """Writes each message to the server log instead of sending it: for development."""

    def send(self, message):
        logger.info("SMS to %s: %s", message.phone, message.text)
