"""One error type for the whole product, mapped once to pages and once to the API."""

from django.core.exceptions import ValidationError


class ApplicationError(Exception):
    """A rule of the domain refused the request; ``message`` is shown to the user as is.

    ``field_errors`` maps a field name to its messages, so forms and the API can
    show each error beside the field it belongs to.
    """

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}

    @classmethod
    def from_validation_error(cls, error: ValidationError, message: str) -> "ApplicationError":
        if hasattr(error, "error_dict"):
            return cls(
                message, field_errors={f: [str(m) for e in errs for m in e.messages] for f, errs in error.error_dict.items()}
            )
        return cls(message, field_errors={"__all__": [str(m) for m in error.messages]})


class PermissionDeniedError(ApplicationError):
    """The user's role may not do this (their scope may still allow seeing it)."""
