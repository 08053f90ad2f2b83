"""Hands-on training sessions (sign-up, check-in, skills sign-off) and the units' drills (演练)."""
