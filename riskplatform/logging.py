"""Logging filters."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """A refused request (403, 404, 400: the user's mistake or lack of rights) is logged as
    one line; only a server error (5xx) keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
