"""Rows of the self-inspection record that are written once: the model refuses to change them.

An answer, a hazard's history entry or a reminder is inserted and never updated or deleted, as
the audit log's entries are (organisations.AuditEntry). Deletes are refused by a pre_delete
receiver too (see inspections.signals), so a cascade or a queryset's delete() cannot take them
either; only raw SQL and QuerySet.update() pass by the model, and no code of ours uses them on
these tables.
"""

from django.core.exceptions import PermissionDenied
from django.db import models


class RecordRefused(PermissionDenied):
    """A write that would rewrite or remove part of a signed record."""


class WrittenOnce(models.Model):
    """An abstract row that may be inserted, then only read."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordRefused(f"{type(self).__name__} rows are written once and never changed.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordRefused(f"{type(self).__name__} rows are kept.")


class LoadedValues(models.Model):
    """An abstract model that remembers the values it was read with, to compare at save."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # What is stored now is what the next save compares with.
        self._loaded = {
            field.attname: getattr(getattr(self, field.attname), "name", None)
            if isinstance(field, models.FileField)
            else getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if field.attname in self.__dict__
        }

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # field_names are attnames (round_id, not round); deferred fields are left out.
        instance._loaded = {
            name: value
            for name, value in zip(field_names, values, strict=True)
            if value is not models.DEFERRED
        }
        return instance

    def loaded(self, name, default=None):
        return getattr(self, "_loaded", {}).get(name, default)

    def changed_from_loaded(self, names):
        """Those of names whose value now differs from the one read from the database."""
        loaded = getattr(self, "_loaded", {})
        changed = []
        for name in names:
            if name not in loaded:
                continue
            now = getattr(self, name)
            # A file field reads back as a FieldFile; its stored value is the name.
            now = getattr(now, "name", now) or ""
            if now != (loaded[name] or ""):
                changed.append(name)
        return changed
