"""gunicorn's access log with URL secrets, emails and phone numbers masked (--logger-class).

The access log writes each request line; "manage my gift" links carry a token and the Mailchimp
webhook URL its secret, so both would otherwise sit in plain text in every log store.
"""

from gunicorn.glogging import Logger

from cms.logging import scrub


class ScrubbedAccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f", "{raw_uri}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = scrub(atoms[key])
        return atoms
