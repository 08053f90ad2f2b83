"""Hands-on training sessions (sign-up, check-in, skills sign-off) and the units' drills (演练)."""

from .sessions import Enrolment, TrainingSession
from .signoffs import SkillSignOff
from .unit_drills import DrillPhoto, DrillProblem, UnitDrill

__all__ = [
    "DrillPhoto",
    "DrillProblem",
    "Enrolment",
    "SkillSignOff",
    "TrainingSession",
    "UnitDrill",
]
