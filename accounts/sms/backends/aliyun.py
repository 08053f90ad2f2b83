"""Aliyun SMS (短信服务, dysmsapi 2017-05-25): SendSms over HTTPS with the RPC signature, v1.0.

The request is signed as Aliyun documents for its RPC APIs: the parameters sorted by name,
each percent-encoded per RFC 3986, joined, prefixed with "GET&%2F&", encoded once more and
signed with HMAC-SHA1 under "<AccessKeySecret>&". Only the standard library and `requests`
(which Wagtail already needs) are used, so no provider SDK is installed.
"""

import base64
import hashlib
import hmac
import json
import logging
import uuid
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .. import SmsSendError
from .base import BaseSmsBackend

logger = logging.getLogger("accounts.sms")

API_VERSION = "2017-05-25"
TIMEOUT_SECONDS = 10


def percent_encode(value):
    """RFC 3986 encoding as Aliyun signs it: only A-Z a-z 0-9 - _ . ~ stay as they are."""
    return quote(str(value), safe="-_.~")


def string_to_sign(params, method="GET"):
    canonical = "&".join(
        f"{percent_encode(key)}={percent_encode(params[key])}" for key in sorted(params)
    )
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"


def sign(params, access_key_secret, method="GET"):
    """The Signature parameter for these request parameters."""
    digest = hmac.new(
        f"{access_key_secret}&".encode(),
        string_to_sign(params, method).encode(),
        hashlib.sha1,
    ).digest()
    return base64.b64encode(digest).decode()


def _requests_get(url, timeout):
    import requests

    response = requests.get(url, timeout=timeout)
    return response.status_code, response.text


class SmsBackend(BaseSmsBackend):
    """Sends through Aliyun SMS with the templates named in settings.SMS_ALIYUN."""

    def __init__(self, *, transport=None, now=None, nonce=None, **kwargs):
        super().__init__(**kwargs)
        config = settings.SMS_ALIYUN
        missing = [
            name
            for name in ("access_key_id", "access_key_secret", "sign_name")
            if not config.get(name)
        ]
        if missing:
            raise ImproperlyConfigured(
                "Aliyun SMS needs SMS_ALIYUN_ACCESS_KEY_ID, SMS_ALIYUN_ACCESS_KEY_SECRET and "
                "SMS_ALIYUN_SIGN_NAME."
            )
        self.config = config
        # Tests pass a fake transport and fixed clock and nonce: the network is never used.
        self.transport = transport or _requests_get
        self.now = now or (lambda: datetime.now(UTC))
        self.nonce = nonce or (lambda: uuid.uuid4().hex)

    def request_params(self, message):
        """The signed query parameters of the SendSms request for this message."""
        template_code = self.config["templates"].get(message.template)
        if not template_code:
            raise ImproperlyConfigured(
                f"No Aliyun template code for the SMS template {message.template!r}."
            )
        params = {
            "AccessKeyId": self.config["access_key_id"],
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": message.phone,
            "RegionId": self.config["region"],
            "SignName": self.config["sign_name"],
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": self.nonce(),
            "SignatureVersion": "1.0",
            "TemplateCode": template_code,
            "Timestamp": self.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
        }
        if message.params:
            params["TemplateParam"] = json.dumps(
                {key: str(value) for key, value in message.params.items()},
                ensure_ascii=False,
                separators=(",", ":"),
            )
        params["Signature"] = sign(params, self.config["access_key_secret"])
        return params

    def request_url(self, message):
        query = urlencode(self.request_params(message), quote_via=quote, safe="-_.~")
        return f"https://{self.config['endpoint']}/?{query}"

    def send(self, message):
        try:
            status, body = self.transport(self.request_url(message), timeout=TIMEOUT_SECONDS)
        except OSError as error:  # requests' errors derive from OSError (IOError)
            logger.error("Aliyun SMS could not be reached: %s", error)
            raise SmsSendError(str(error)) from error
        try:
            answer = json.loads(body)
        except ValueError:
            answer = {}
        if status != 200 or answer.get("Code") != "OK":
            # Never log the number in full: the log is read by more people than the database.
            logger.error(
                "Aliyun SMS refused a message to %s****: %s %s",
                message.phone[:3],
                answer.get("Code", status),
                answer.get("Message", ""),
            )
            raise SmsSendError(answer.get("Code") or f"HTTP {status}")
        return answer.get("BizId")
