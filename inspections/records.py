"""Reading a signed round as its record: each check point with the answer it was signed with,
the corrections filed since (oldest first), and the hazard it became.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import Answer, Hazard, HazardEntry, RoundPoint


@dataclass
class RecordRow:
    point: RoundPoint
    signed: Answer | None
    corrections: list = field(default_factory=list)
    hazard: Hazard | None = None

    @property
    def current(self):
        """What the record says now: the last correction, else the signed answer."""
        return self.corrections[-1] if self.corrections else self.signed


def round_record(round_):
    """[RecordRow] of a signed round, in check-point order (four queries)."""
    signed, corrections = {}, defaultdict(list)
    answers = (
        Answer.objects.filter(point__round=round_)
        .select_related("answered_by")
        .order_by("answered_at", "pk")
    )
    answers = list(answers)
    by_pk = {answer.pk: answer for answer in answers}
    for answer in answers:
        if answer.is_correction:
            answer.corrects = by_pk.get(answer.corrects_id)
            corrections[answer.point_id].append(answer)
        else:
            # Chronological: the last plain answer is the one the round was signed with.
            signed[answer.point_id] = answer
    hazards = {
        hazard.point_id: hazard
        for hazard in round_.hazards.select_related(
            "responsible", "rectified_by", "closed_by"
        ).prefetch_related(Prefetch("entries", queryset=HazardEntry.objects.order_by("at", "pk")))
    }
    rows = []
    for point in round_.points.all():
        hazard = hazards.get(point.pk)
        if hazard is not None:
            hazard.point = point
        rows.append(RecordRow(point, signed.get(point.pk), corrections[point.pk], hazard))
    return rows
