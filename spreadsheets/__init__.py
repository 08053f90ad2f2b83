"""Spreadsheets in and out: the one writer every export uses, the one bounded reader imports use.

A bottom-layer package (beside accounts and editorial): no models, imported by any app.
"""
