"""Errors a service raises. Each carries a message in Chinese that the UI shows as is."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: `str(err)` is a complete sentence for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(ServiceError):
    """Bad input. `field` names the offending field so a form can mark it; `every` holds
    all the errors of a form checked as a whole (this one first), each at its field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
        self.every: list[ValidationError] = [self]


class FieldChecks:
    """Runs a form's checks one field at a time and keeps going past a bad one, so the
    user sees every error at once: `with checks:` around each field's check, then
    `checks.done()` raises the first error carrying them all."""

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def __enter__(self) -> FieldChecks:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if isinstance(exc, ValidationError):
            self.errors.extend(exc.every)
            return True  # swallowed: the next field is checked
        return False

    def failed(self, *fields: str) -> bool:
        return any(e.field in fields for e in self.errors)

    def done(self) -> None:
        if self.errors:
            first = self.errors[0]
            first.every = list(self.errors)
            raise first


class PermissionDenied(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class ConflictError(ServiceError):
    """Someone else saved the record after this copy was read (optimistic locking)."""


class AuthError(ServiceError):
    pass


class DatabaseError(ServiceError):
    """The database cannot be opened, reached or upgraded."""


class SchemaTooNewError(DatabaseError):
    pass
