from riskplatform.exceptions import ApplicationError


class ApplicationErrorFormMixin:
    """Lets a form show a service's ApplicationError beside the fields it names, or above the form."""

    def add_application_error(self, error: ApplicationError) -> None:
        if not error.field_errors:
            self.add_error(None, error.message)
        for field, messages in error.field_errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
