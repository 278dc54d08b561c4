"""A mail backend for benchmarks: the message is serialised to bytes (the work an SMTP backend does
before the network) and counted, not kept."""

from django.core.mail.backends.base import BaseEmailBackend


class SerialisingBackend(BaseEmailBackend):
    bytes_sent = 0

    def send_messages(self, email_messages):
        for message in email_messages:
            SerialisingBackend.bytes_sent += len(message.message().as_bytes())
        return len(email_messages)
