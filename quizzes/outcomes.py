"""What a graded attempt led to elsewhere (a course completed, a certificate issued).

The result page asks every registered provider; courses registers one. quizzes does not import
courses, the dependency points the other way (as with access.register_start_check).
"""

_providers = []


def register_outcome(func):
    """Add func(attempt) -> a list of outcome dicts (may be empty). Usable as a decorator.

    An outcome: {"title", "complete" (bool), "url", "certificate_url", "certificate_pdf_url",
    "next_url"}; the keys other than "title" may be missing or None.
    """
    if func not in _providers:
        _providers.append(func)
    return func


def unregister_outcome(func):
    if func in _providers:
        _providers.remove(func)


def outcomes_of(attempt):
    found = []
    for provider in _providers:
        found.extend(provider(attempt) or [])
    return found
