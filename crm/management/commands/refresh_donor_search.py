"""Recompute every donor's search text: `manage.py refresh_donor_search`.

Run it after the name analysis changes (a new dictionary, new reading rules): the stored format
stays the same, so old texts keep working until then, but names read differently are found by
their new readings only once recomputed. Idempotent; rows already right are not written.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from crm.donors.models import Donor
from crm.imports.bulk import fast_search_text, raw_update

FIELDS = ("family_name", "given_name", "family_name_kana", "given_name_kana", "email", "phone", "search_text")


class Command(BaseCommand):
    help = "Recompute the search text of every donor (after the name analysis changed)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, batch_size: int, **options):
        changed = seen = 0
        last_pk = 0
        while True:
            # Keyset pages by primary key: each batch is one indexed query and one transaction.
            batch = list(Donor.objects.filter(pk__gt=last_pk).order_by("pk").only(*FIELDS)[:batch_size])
            if not batch:
                break
            last_pk = batch[-1].pk
            seen += len(batch)
            updates = []
            for donor in batch:
                text = fast_search_text(donor)
                if text != donor.search_text:
                    updates.append((text, donor.pk))
            with transaction.atomic():
                raw_update(Donor, ["search_text"], updates)
            changed += len(updates)
        self.stdout.write(f"{changed} donor{'s' if changed != 1 else ''} of {seen} got a new search text")
