"""Hands-on training sessions (sign-up, check-in, skills sign-off) and the units' drills (演练)."""

from .sessions import Enrolment, TrainingSession
from .unit_drills import DrillPhoto, DrillProblem, UnitDrill

__all__ = ["DrillPhoto", "DrillProblem", "Enrolment", "TrainingSession", "UnitDrill"]
