"""Which training requirements apply to a set of memberships, kept in the cache.

我的学习, the sign-in landing and the check of a course kept for its audience each ask which
requirements apply to the person. The answer depends only on where they hold which role (their
current memberships, always read fresh by the caller) and on the requirements and organisations
of the district, which change rarely: so it is kept per membership set, and every entry carries
the generation it was computed under. Any save or delete of a requirement or an organisation, and
the one bulk update of requirements (retiring a campaign's), start a new generation once their
transaction commits; an entry of an older generation is never served. Computing under an old
generation while a change commits can only store an entry that is already stale, hence ignored.
"""

import hashlib
import secrets

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

GENERATION_KEY = "courses:requirements:generation"
ENTRY_KEY = "courses:requirements:{}"
# A missed change (a raw SQL edit) can outlive its cause by this much at most.
ENTRY_SECONDS = 10 * 60


def _signature(memberships):
    text = "\n".join(f"{path}:{role}" for path, role in sorted(set(memberships)))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def applying(memberships, compute):
    """compute(memberships), from the cache when this membership set was answered in the
    current generation. Without a reachable cache, always computed."""
    key = ENTRY_KEY.format(_signature(memberships))
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = secrets.token_hex(8)
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY)
        if generation is None:
            return compute(memberships)
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return list(entry[1])
    requirements = compute(memberships)
    cache.set(key, (generation, requirements), timeout=ENTRY_SECONDS)
    return requirements


def _bump():
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def new_generation():
    """Forget every kept answer: now, for this transaction's own later reads, and again once it
    has committed, for an answer another process computed from the rows before the commit."""
    _bump()
    transaction.on_commit(_bump)


def _changed(sender, **kwargs):
    new_generation()


def connect():
    from organisations.models import Organisation

    from .models import TrainingRequirement

    for model in (TrainingRequirement, Organisation):
        uid = f"requirement-cache-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
