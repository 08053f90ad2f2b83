"""Panels that apps above courses add to 我的学习 (layering: courses never imports them).

An app registers a provider; 我的学习 calls it only when the person has practical lessons
(实操培训) still to do, with what 我的学习 has read already, so a person with none costs no query.
"""

from dataclasses import dataclass, field

_providers = {}


@dataclass
class PracticalNeeds:
    """The practical lessons a person still needs, from 我的学习's own reads."""

    user: object
    lesson_ids: set
    # Paths of the organisations of the person's current memberships.
    membership_paths: list
    # The latest cycle of each course the lessons belong to: a lesson completed in it is done.
    enrolment_ids: list = field(default_factory=list)


def register_learning_panel(name, provider):
    """provider(needs, now) returns the panel's context (with a `template`), or None."""
    _providers[name] = provider


def learning_panels(needs, now):
    """The registered panels for these needs, in registration order (none without needs)."""
    if not needs.lesson_ids or not _providers:
        return []
    panels = []
    for name, provider in _providers.items():
        panel = provider(needs, now)
        if panel:
            panels.append({"name": name, **panel})
    return panels
