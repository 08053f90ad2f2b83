"""My data (/account/): the alerts the person confirmed reading (已阅知) for their unit.

The confirmation is the unit's record and stays when the account is deleted; it then names
the anonymised account.
"""

from django.utils.translation import gettext_lazy as _

from accounts.my_data import SectionData, register_section

from .models import DispatchRecipient


def acknowledgement_section(user):
    receipts = (
        DispatchRecipient.objects.filter(acknowledged_by=user)
        .select_related("dispatch__page", "organisation")
        .order_by("-acknowledged_at")
    )
    return SectionData(
        columns=[
            ("alert", _("alert")),
            ("organisation", _("organisation")),
            ("sent_at", _("sent")),
            ("acknowledged_at", _("acknowledged")),
        ],
        rows=[
            {
                "alert": receipt.dispatch.page.title,
                "organisation": receipt.organisation.name,
                "sent_at": receipt.dispatch.sent_at,
                "acknowledged_at": receipt.acknowledged_at,
            }
            for receipt in receipts
        ],
    )


register_section(
    "alert_acknowledgements", _("Alerts you confirmed reading"), acknowledgement_section, order=51
)
