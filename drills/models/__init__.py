"""Hands-on training sessions (sign-up, check-in, skills sign-off) and the units' drills (演练)."""

from .sessions import Enrolment, TrainingSession

__all__ = ["Enrolment", "TrainingSession"]
