"""StreamField blocks of case warnings and hazard exposures."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks


class ViolationBlock(blocks.StructBlock):
    """One violation found in a case, with the law or standard it breaks."""

    text = blocks.CharBlock(label=_("Violation"), max_length=200)
    basis = blocks.CharBlock(label=_("Basis"), required=False, max_length=300)

    class Meta:
        icon = "warning"
        label = _("Violation")
        template = "alerts/blocks/violation.html"
        preview_value = {
            "text": "在住宅共用走道停放电动自行车",
            "basis": "消防法第二十八条",
        }
