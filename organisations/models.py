import secrets
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase
from treebeard.mp_tree import MP_Node
from wagtail.models import BaseLogEntry, BaseLogEntryManager

from .validators import validate_credit_code

# Join codes avoid characters people confuse when reading a poster: 0/O, 1/I/L, 2/Z, 5/S, 8/B.
JOIN_CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
JOIN_CODE_LENGTH = 8


class PlaceType(TagBase):
    """A kind of place with its own fire risks (大型商业综合体, 养老机构, 群租房 …)."""

    class Meta:
        verbose_name = _("place type")
        verbose_name_plural = _("place types")


class TaggedPlaceType(TaggedItemBase):
    content_object = models.ForeignKey(
        "Organisation", on_delete=models.CASCADE, related_name="tagged_place_types"
    )
    tag = models.ForeignKey(PlaceType, on_delete=models.CASCADE, related_name="tagged_items")


class Organisation(MP_Node):
    """A node of the district's tree: district, street or town, community, unit, school, class…"""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        STREET = "street", _("Street (街道)")
        TOWN = "town", _("Town")
        COMMUNITY = "community", _("Residents' committee")
        VILLAGE = "village", _("Villagers' committee")
        UNIT = "unit", _("Social unit")
        SCHOOL = "school", _("School")
        CLASS = "class", _("Class")
        DEPARTMENT = "department", _("Industry department")
        VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team")

    class Sector(models.TextChoices):
        EDUCATION = "education", _("Education")
        HEALTH = "health", _("Health")
        CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
        COMMERCE = "commerce", _("Commerce")
        CULTURE_TOURISM = "culture_tourism", _("Culture and tourism")
        RELIGION = "religion", _("Religion")
        INDUSTRY = "industry", _("Industry")
        LOGISTICS = "logistics", _("Warehousing and logistics")
        OTHER = "other", _("Other")

    name = models.CharField(pgettext_lazy("organisation", "name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    place_types = TaggableManager(
        through=TaggedPlaceType, blank=True, verbose_name=_("place types")
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(pgettext_lazy("enabled", "active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["kind", "sector"])]

    def __str__(self):
        return self.name

    def full_name(self):
        """The names from the district down, e.g. 青浦区 / 朱家角镇 / 示例商场."""
        return " / ".join(node.name for node in [*self.get_ancestors(), self])


# Paths use digits and capital letters, so every path below P sorts between P and P + "ZZZ…".
SUBTREE_PATH_END = "Z" * 255


def with_member_counts(organisations):
    """Annotate member_count: distinct people with a current membership in the subtree.

    Deactivated accounts count until their membership ends, as in the member list's default
    "current" filter (they are flagged there): leaving out the user join halves the cost.

    One correlated subquery per row in the same SQL statement, so a page of organisations costs
    one query whatever the size of the tree below them. The subtree is a path range (not LIKE)
    looked up first, so the path index and then the membership index serve each row.
    """
    subtree = Organisation.objects.filter(
        path__gte=OuterRef(OuterRef("path")),
        path__lte=Concat(OuterRef(OuterRef("path")), Value(SUBTREE_PATH_END)),
    ).values("pk")
    in_subtree = (
        Membership.objects.current()
        .filter(organisation__in=subtree)
        .order_by()
        .values(
            count=Func(F("user_id"), function="COUNT", template="COUNT(DISTINCT %(expressions)s)")
        )
    )
    return organisations.annotate(member_count=Subquery(in_subtree))


class MembershipQuerySet(models.QuerySet):
    def current(self):
        """Memberships not ended: the person still holds this role here."""
        return self.filter(ended_at__isnull=True)

    def volunteering(self):
        """Current volunteer memberships of active volunteer teams: who serves now."""
        return self.current().filter(
            role=Membership.Role.VOLUNTEER,
            organisation__kind=Organisation.Kind.VOLUNTEER_TEAM,
            organisation__is_active=True,
        )

    def with_status(self, status):
        """current (not ended; closed accounts flagged), left (ended), deactivated (closed)."""
        if status == "current":
            return self.filter(ended_at__isnull=True)
        if status == "left":
            return self.filter(ended_at__isnull=False)
        if status == "deactivated":
            return self.filter(user__is_active=False)
        return self


class Membership(models.Model):
    """A person's role in an organisation; leaving sets an end date, history is kept."""

    class Role(models.TextChoices):
        RESPONSIBLE = "responsible", _("Fire-safety responsible person")
        MANAGER = "manager", _("Fire-safety manager")
        OPERATOR = "operator", _("Control-room operator")
        STAFF = "staff", _("Staff")
        TEACHER = "teacher", _("Teacher")
        STUDENT = "student", _("Student")
        CADRE = "cadre", _("Grassroots cadre")
        VOLUNTEER = "volunteer", _("Volunteer")
        COORDINATOR = "coordinator", _("Coordinator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    number = models.CharField(
        _("number"),
        max_length=30,
        blank=True,
        help_text=_("Staff or student number within the organisation."),
    )
    started_at = models.DateTimeField(_("joined"), default=timezone.now)
    ended_at = models.DateTimeField(_("left"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(ended_at__isnull=True),
                name="one_current_membership_per_role",
            ),
            models.UniqueConstraint(
                fields=["organisation", "number"],
                condition=Q(ended_at__isnull=True) & ~Q(number=""),
                name="unique_current_number_in_organisation",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role", "ended_at"])]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    @property
    def is_current(self):
        return self.ended_at is None


def generate_join_code():
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


# The roles a code may hand out where a narrower set than "any but 协调员" makes sense: a class's
# code on the classroom wall is for its pupils and their teacher, never 消控室值班操作人员.
CODE_ROLES_BY_KIND = {
    Organisation.Kind.CLASS: [Membership.Role.STUDENT, Membership.Role.TEACHER],
    Organisation.Kind.VOLUNTEER_TEAM: [Membership.Role.VOLUNTEER],
}


def code_roles(organisation):
    """The roles a join code of this organisation may grant; never 协调员 (a code on a poster
    must not hand out the right to see other people's data)."""
    roles = CODE_ROLES_BY_KIND.get(organisation.kind)
    if roles is None:
        roles = [role for role in Membership.Role if role != Membership.Role.COORDINATOR]
    return roles


class JoinCode(models.Model):
    """A code a coordinator hands out so people can join an organisation in a given role."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_codes"
    )
    code = models.CharField(_("code"), max_length=JOIN_CODE_LENGTH, unique=True)
    role = models.CharField(_("role granted"), max_length=20, choices=Membership.Role.choices)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    is_active = models.BooleanField(pgettext_lazy("enabled", "active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("join code")
        verbose_name_plural = _("join codes")

    def __str__(self):
        return self.code

    def is_usable(self, now=None):
        now = now or timezone.now()
        return (
            self.is_active
            and self.role in code_roles(self.organisation)
            and self.organisation.is_active
            and (self.expires_at is None or self.expires_at > now)
        )


class AuditEntryManager(BaseLogEntryManager):
    def log_action(self, instance, action, **kwargs):
        kwargs.setdefault("object_id", str(instance.pk))
        return super().log_action(instance, action, **kwargs)

    def for_instance(self, instance):
        return self.filter(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
            object_id=str(instance.pk),
        )


class AuditEntry(BaseLogEntry):
    """One action of a coordinator or editor on a person or record, in an organisation.

    Wagtail's log entry (actor, action, object, time, data) plus the organisation it happened
    in, which decides who sees it at /manage/audit/, and the person acted on, for the filter.
    Entries are kept: neither the organisation nor the person has a database constraint or a
    cascade, so closing, deleting or moving anything leaves the record as it was written.
    """

    # Blank for actions on no single object (an export of a whole scope).
    label = models.TextField(blank=True)
    object_id = models.CharField(
        pgettext_lazy("audit log", "object id"), max_length=255, blank=True, db_index=True
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person acted on"),
    )

    objects = AuditEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["uuid", "action", "-timestamp"], name="audit_uuid_action"),
            models.Index(fields=["organisation", "-timestamp"], name="audit_organisation_time"),
        ]

    def __str__(self):
        return f"AuditEntry {self.pk}: {self.action} on {self.content_type_id}/{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("Audit entries are written once and never changed.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit entries are kept.")

    @cached_property
    def object_verbose_name(self):
        # Exports of a whole scope have no single object.
        if self.content_type_id is None:
            return ""
        return super().object_verbose_name


def import_storage():
    """Uploaded sheets and passwords sheets: private, outside MEDIA_ROOT, no URL."""
    from config.storage import named_storage

    return named_storage("imports")


class PendingImport(models.Model):
    """A member sheet between upload and confirmation, then its result until it expires.

    Kept in the database and in private storage, not in a cache, so that every web worker sees
    it. The one-time passwords exist only in the `passwords` sheet, deleted at its first
    download or at expiry; the result keeps no password.
    """

    class State(models.TextChoices):
        COLUMNS = "columns", _("Waiting for the columns to be chosen")
        PREVIEW = "preview", _("Waiting for confirmation")
        DONE = "done", _("Imported")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEW)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the uploaded file.")
    filename = models.CharField(max_length=255)
    file = models.FileField(storage=import_storage, upload_to="sheets/%Y/%m/", blank=True)
    plan_digest = models.CharField(max_length=64, blank=True)
    plan = models.JSONField(default=list, blank=True, help_text="The preview's rows.")
    layout = models.JSONField(
        default=dict,
        blank=True,
        help_text="Where the table is in the sheet and which column holds which field.",
    )
    result = models.JSONField(default=dict, blank=True)
    passwords = models.FileField(storage=import_storage, upload_to="passwords/%Y/%m/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")
        indexes = [models.Index(fields=["owner", "digest"])]

    def __str__(self):
        return self.filename


class RememberedColumns(models.Model):
    """The column headings a coordinator mapped by hand, to map them so again next time."""

    LIMIT = 50  # headings kept per coordinator (the newest)

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    headings = models.JSONField(default=dict, help_text="Heading → field, e.g. 人员类型 → role.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("remembered import columns")
        verbose_name_plural = _("remembered import columns")

    def __str__(self):
        return str(self.owner)
