"""My data sections of drills (found by accounts.my_data's autodiscovery of `my_data`)."""

from . import signoff_my_data  # noqa: F401 - registers the skills sign-offs section
