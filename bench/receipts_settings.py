"""Settings of bench_receipts_annual's child processes: the test settings, with a mail backend that
builds every message (MIME, PDF attachment, base64) as SMTP would and then drops it."""

from cms.settings.test import *  # noqa: F403

MAILERS = {"default": {"BACKEND": "bench.receipts_mail.SerialisingBackend"}}
