from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import mainland_mobile_validator, mask_phone, normalise_phone


class User(AbstractUser):
    """A person who signs in: a login name, the real name printed on certificates, a phone."""

    # One real name replaces Django's first/last name: Chinese names are not split that way.
    first_name = None
    last_name = None
    username = models.CharField(
        _("login name"),
        max_length=150,
        unique=True,
        help_text=_("A phone number, staff number or generated name used to sign in."),
        error_messages={"unique": _("This login name is already taken.")},
    )
    name = models.CharField(_("real name"), max_length=60, blank=True)
    phone = models.CharField(
        _("mobile phone"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[mainland_mobile_validator],
        error_messages={"unique": _("This phone number is already used by another account.")},
    )
    phone_verified_at = models.DateTimeField(
        _("phone confirmed"),
        null=True,
        blank=True,
        help_text=_("When the owner proved the phone with a code sent to it by SMS."),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    must_change_password = models.BooleanField(
        _("must change password at next sign-in"), default=False
    )

    objects = UserManager()

    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.name or self.username

    def clean(self):
        super().clean()
        self.phone = normalise_phone(self.phone)

    def save(self, *args, **kwargs):
        # Blank phones are stored as NULL so that uniqueness applies only to real numbers.
        self.phone = normalise_phone(self.phone)
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name or self.username

    @property
    def phone_is_verified(self):
        """Whether the phone on the account was proved by its owner (an SMS code)."""
        return bool(self.phone) and self.phone_verified_at is not None

    @property
    def masked_phone(self):
        return mask_phone(self.phone)


class Notice(models.Model):
    """A message to one person inside the site: a reminder, an alert sent to their unit …"""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notices", verbose_name=_("person")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


class PhoneCode(models.Model):
    """A 6-digit code sent by SMS to prove a phone; kept hashed, and counted for the limits."""

    class Purpose(models.TextChoices):
        JOIN = "join", _("registration")
        CHANGE_PHONE = "change_phone", _("change of phone")

    phone = models.CharField(_("mobile phone"), max_length=11)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    code_hash = models.CharField(_("code (hashed)"), max_length=128)
    # The account asking (a change of phone); empty for a registration.
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    ip_address = models.CharField(_("network address"), max_length=45, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone confirmation code")
        verbose_name_plural = _("phone confirmation codes")
        indexes = [
            models.Index(fields=["phone", "created_at"]),
            models.Index(fields=["ip_address", "created_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self):
        return mask_phone(self.phone)
