"""One error type for the whole product, mapped once to pages (riskplatform.pages) and once
to the API (riskplatform.api).

Services raise these; views and serializers never catch them by hand.
"""

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError

# What a query raises while PostgreSQL is away (refused, cut, or no connection free in the pool in time):
# ingest spools then, and pages and the API answer 503.
DATABASE_AWAY = (OperationalError, InterfaceError)


class ApplicationError(Exception):
    """A rule of the domain refused the request; ``message`` is shown to the user as is.

    ``field_errors`` maps a field name to its messages, so forms and the API can
    show each error beside the field it belongs to. ``code`` is the stable word an
    API client switches on; it never changes with the language of the message.
    """

    code = "invalid"
    # The HTTP status the API answers it with (riskplatform.api); pages map it in riskplatform.pages.
    status_code = 400

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field_errors = {field: [str(text) for text in texts] for field, texts in (field_errors or {}).items()}
        if code is not None:
            self.code = code

    @classmethod
    def from_validation_error(cls, error: ValidationError, message: str) -> "ApplicationError":
        if hasattr(error, "error_dict"):
            return cls(
                message, field_errors={f: [str(m) for e in errs for m in e.messages] for f, errs in error.error_dict.items()}
            )
        return cls(message, field_errors={"__all__": [str(m) for m in error.messages]})


class PermissionDeniedError(ApplicationError):
    """The user's role may not do this (their scope may still allow seeing it): a 403."""

    code = "permission_denied"
    status_code = 403


class NotFoundError(ApplicationError):
    """The object does not exist or lies outside the user's scope: a 404, never a hint which."""

    code = "not_found"
    status_code = 404


class ConflictError(ApplicationError):
    """The object's state does not allow this now (a hazard already closed, an incident already
    acknowledged): a 409. The page shows why; reloading shows the state as it is."""

    code = "conflict"
    status_code = 409
