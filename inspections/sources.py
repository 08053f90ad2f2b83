"""Where a hazard not found in a round came from: apps above inspections register a link back.

A drill's problem made into a hazard (drills.unit_drills) is a hazard of source "drill"; the
hazard page asks the registered function for the words and the page to link to, so inspections
needs no import of the app above it (the layering forbids one).
"""

_SOURCES = {}


def register_source(source, describe):
    """describe(hazard) -> (label, url) or None, for hazards of this source."""
    _SOURCES[source] = describe


def found_in(hazard):
    """(label, url) of what the hazard was found in, or None when nothing says."""
    describe = _SOURCES.get(hazard.source)
    return describe(hazard) if describe else None
