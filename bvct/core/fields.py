"""Sealed (encrypted) model fields: the column holds ciphertext, Python code sees plaintext.

`SealedTextField(dossier="person_id")` and `SealedJSONField(dossier="case.person_id")` encrypt
with the data key of the dossier named by `dossier` (an attribute path to a person id, read when
the value is written). Reading needs no path: the envelope names its data key, so a value keeps
opening after its row moves to another dossier (a merge).

* The model must inherit `SealedModel`: on INSERT the row id is not known yet, so the row is
  inserted with an empty placeholder and the sealed values (bound to the new id by AAD) are
  written right after, in the same transaction.
* A value read from the database is an `Envelope` until it is first read through the attribute;
  then it is opened (fail closed: `SealError`) and the plaintext is kept on the instance.
* Queries cannot compare plaintext with a sealed column: a lookup with a plain value raises
  instead of silently matching nothing. Exact lookups use a blind index (`blind_index`).
* `None` is stored as NULL only when the field is `null=True`; "" and every other value, falsy or
  not, is encrypted and comes back exactly (the JSON field round-trips any JSON value).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models, transaction
from django.db.models.query_utils import DeferredAttribute

from bvct.core import crypto
from bvct.core.crypto import SealError

if TYPE_CHECKING:  # for the type checker a sealed JSON field holds any JSON value
    _TextBase = models.TextField[Any, Any]
    _JSONBase = models.JSONField
else:
    _TextBase = _JSONBase = models.TextField


class Envelope(str):
    """Ciphertext as read from (or about to be written to) a sealed column."""

    __slots__ = ()


_PLACEHOLDER = Envelope("")


class _SealedAttribute(DeferredAttribute):
    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Envelope):
            value = self.field.open(instance, value)  # type: ignore[attr-defined]
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class _SealedMixin:
    descriptor_class = _SealedAttribute
    is_json: ClassVar[bool] = False

    def __init__(self, *args: Any, dossier: str = "person_id", **kwargs: Any) -> None:
        self.dossier = dossier
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()  # type: ignore[misc]
        kwargs["dossier"] = self.dossier
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else Envelope(value)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, Envelope):
            return None if value is None else str(value)
        msg = (
            f"{self}: a sealed column cannot be compared with or set to a plain value in a query "
            "(save the instance, or use its blind index for an exact lookup)"
        )
        raise SealError(msg)

    def to_python(self, value: Any) -> Any:
        return value

    def pre_save(self, model_instance: Any, add: bool) -> Any:  # noqa: FBT001 (Django's API)
        value = getattr(model_instance, self.attname)  # type: ignore[attr-defined]
        if value is None and self.null:  # type: ignore[attr-defined]
            return None
        if model_instance.pk is None:
            return _PLACEHOLDER  # SealedModel.save writes the value once the row id exists
        return self.seal(model_instance, value)

    # --- the cryptography ------------------------------------------------------------------------

    def _aad(self, instance: Any, uid: str) -> bytes:
        return crypto.field_aad(
            instance._meta.db_table,
            self.column,  # type: ignore[attr-defined]
            instance.pk,
            uid,
        )

    def seal(self, instance: Any, value: Any) -> Envelope:
        from bvct.people import dossier_keys  # noqa: PLC0415 (people builds on core)

        person_id = _resolve(instance, self.dossier)
        if person_id is None:
            msg = f"{self}: no dossier ({self.dossier}) to encrypt for"
            raise SealError(msg)
        uid, key = dossier_keys.data_key_for_person(person_id)
        if self.is_json:
            plaintext = crypto.encode_json(value)
        elif isinstance(value, str):
            plaintext = value.encode()
        else:
            msg = f"{self}: text expected, got {type(value).__name__}"
            raise SealError(msg)
        return Envelope(crypto.seal_bytes(key, plaintext, aad=self._aad(instance, uid), uid=uid))

    def open(self, instance: Any, envelope: Envelope) -> Any:
        from bvct.people import dossier_keys  # noqa: PLC0415 (people builds on core)

        uid = crypto.envelope_uid(envelope)
        key = dossier_keys.data_key_by_uid(uid)
        raw = crypto.open_bytes(key, envelope, aad=self._aad(instance, uid))
        return crypto.decode_json(raw) if self.is_json else raw.decode()


def _resolve(instance: Any, path: str) -> Any:
    value = instance
    for part in path.split("."):
        value = getattr(value, part)
        if value is None:
            return None
    return value


class SealedTextField(_SealedMixin, _TextBase):
    """Text encrypted at rest (see the module docstring)."""


class SealedJSONField(_SealedMixin, _JSONBase):
    """Any JSON value encrypted at rest (stored as sealed text, not as a JSON column)."""

    is_json = True
    empty_values = [None]


def sealed_fields(model: type[models.Model]) -> list[_SealedMixin]:
    return [f for f in model._meta.concrete_fields if isinstance(f, _SealedMixin)]


class SealedModel(models.Model):
    """Writes the sealed values of a new row once its id exists (same transaction)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        sealed = sealed_fields(type(self))
        if self.pk is not None or not sealed:
            super().save(*args, **kwargs)
            return
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            values = {}
            for f in sealed:
                value = getattr(self, f.attname)  # type: ignore[attr-defined]
                if value is None and f.null:  # type: ignore[attr-defined]
                    continue
                values[f.attname] = f.seal(self, value)  # type: ignore[attr-defined]
            if values:
                type(self)._base_manager.using(self._state.db).filter(pk=self.pk).update(**values)
