"""Errors a service raises. Each carries a message in Chinese that the UI shows as is."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: `str(err)` is a complete sentence for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(ServiceError):
    """Bad input. `field` names the offending field so a form can mark it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


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
