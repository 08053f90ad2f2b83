from django.conf import settings
from django.core import checks

# Backends that never reach a phone: in production the console one would write every code
# to the server log, where anyone who reads it could register any number.
NOT_SENDING = ("accounts.sms.backends.console.", "accounts.sms.backends.locmem.")


@checks.register(checks.Tags.security, deploy=True)
def sms_backend_sends_in_production(app_configs, **kwargs):
    """Warn when production settings would not send confirmation codes by SMS."""
    if getattr(settings, "IS_PRODUCTION", False) and settings.SMS_BACKEND.startswith(NOT_SENDING):
        return [
            checks.Warning(
                "SMS_BACKEND does not send text messages: confirmation codes go to the log.",
                hint="Set SMS_BACKEND=accounts.sms.backends.aliyun.SmsBackend and the "
                "SMS_ALIYUN_* variables (README.md, 'Text messages').",
                id="accounts.W001",
            )
        ]
    return []
