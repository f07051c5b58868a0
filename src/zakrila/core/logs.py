"""How Zakrila's log lines look."""

from __future__ import annotations

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """Logs a refused request (a 4xx answer) as one line with the refusal's reason.

    Django logs a ``PermissionDenied`` with its traceback, as if it were a fault: in a system where
    the access policy refuses every day, that buries the real errors. The 5xx answers keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500 and record.exc_info:
            reason = record.exc_info[1]
            text = " ".join(str(reason or "").split()).replace("%", "%%")
            if text:
                record.msg = f"{record.msg} ({text})"
            record.exc_info = None
            record.exc_text = None
        return True
