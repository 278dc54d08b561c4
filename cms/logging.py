"""Log formatting without personal data.

`PersonalDataFilter` runs on every handler: it masks email addresses, phone numbers and the secrets
that travel in URLs (the "manage my gift" link token, the Mailchimp webhook secret) in every log
line, whichever library wrote it. `JsonFormatter` writes one JSON object per line for a log
collector (LOG_FORMAT=json, the production default).
"""

from __future__ import annotations

import logging
import re

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

# Secrets that live in URL paths: everything after these prefixes up to the next slash.
_URL_SECRETS = re.compile(r"(/(?:en/)?donate/manage/|/mailchimp/webhook/)[^/\s?\"']+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Japanese phone numbers (03-1234-5678, 090 1234 5678, +81-90-...) and long digit runs.
_PHONE = re.compile(r"(?<![\w])(?:\+?81[- ]?|0)\d{1,4}[- ]?\d{1,4}[- ]?\d{3,4}(?![\w])")


def scrub(text: str) -> str:
    text = _URL_SECRETS.sub(r"\1[redacted]", text)
    text = _EMAIL.sub("[email]", text)
    return _PHONE.sub("[phone]", text)


def _scrubbed_record_factory(previous):
    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            PersonalDataFilter().filter(record)
        except Exception:  # a malformed log call is the handler's to report, never the caller's error
            pass
        return record

    factory.scrubs_personal_data = True
    return factory


def scrub_every_record() -> None:
    """Mask at the moment a record is made, not only in our handler.

    Handlers other than ours see records too: Sentry's logging integration, a test's caplog, a
    handler a library adds. django.request writes "Bad Request: /mailchimp/webhook/<secret>/" for
    every 4xx there, so the secret must be gone before any of them reads the record.
    """
    previous = logging.getLogRecordFactory()
    if not getattr(previous, "scrubs_personal_data", False):
        logging.setLogRecordFactory(_scrubbed_record_factory(previous))


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Render the message once with its arguments, then scrub the result.
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "asctime": "time", "name": "logger"})
        kwargs.setdefault("timestamp", False)
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", *args, **kwargs)

    def process_log_record(self, log_record: dict) -> dict:
        # Django's request logger attaches the request object and status; keep only what is safe.
        log_record.pop("request", None)
        if isinstance(log_record.get("exc_info"), str):
            log_record["exc_info"] = scrub(log_record["exc_info"])
        return log_record


def logging_config(*, log_format: str, level: str = "INFO") -> dict:
    scrub_every_record()
    formatter = "json" if log_format == "json" else "plain"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"personal_data": {"()": "cms.logging.PersonalDataFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {"()": "cms.logging.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "filters": ["personal_data"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
