"""Signed and one-shot submits done once: a form's key, claimed in the work's transaction.

A form that does something once (submit a quiz, confirm an import, send reminders or an alert,
record attendance or service hours) carries a random key made when the form is rendered
(`{% idempotency_key_field %}`); its view is decorated with `submit_once(purpose)`. The first
POST with a key claims it in the same transaction as the work and stores the redirect it
answered (and its messages); a retry after a timeout, a double tap, or a replay after a worker
died between the commit and the response gets that same redirect without doing the work again.
This app sits at the bottom of the layering (beside accounts) so that every app may use it.
"""
