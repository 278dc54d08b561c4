"""Headline figures of the CRM: `manage.py crm_stats [--json]`."""

from __future__ import annotations

import datetime
import json

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from crm.companies.models import PartnerCompany
from crm.donors.models import Donor
from crm.giving.models import Donation
from crm.giving.selectors import monthly_recurring_revenue
from crm.payments.models import PaymentRecovery
from crm.payments.selectors import recovery_rate


def crm_stats() -> dict:
    """donors, active_members, mrr_jpy, donations_total_jpy, partner_companies, facebook_group."""
    stats = {
        "donors": Donor.objects.filter(erased_at__isnull=True).count(),
        "active_members": Donor.objects.members().count(),
        "mrr_jpy": monthly_recurring_revenue(currency="JPY"),
        "donations_total_jpy": Donation.objects.total(currency="JPY"),
        "partner_companies": PartnerCompany.objects.count(),
        "failed_payments_open": PaymentRecovery.objects.filter(status=PaymentRecovery.Status.OPEN).count(),
    }
    # Renewals that failed in the last twelve months and were paid after all, over all that failed.
    now = timezone.now()
    recovery = recovery_rate(start=now - datetime.timedelta(days=365), end=now)
    stats["recovery_rate_12m"] = round(recovery.rate, 3) if recovery.rate is not None else None
    invitation = _invitation_model()
    if invitation is not None:
        # Every status, even those nobody is in yet, so scripts can read a fixed set of keys.
        counts = dict.fromkeys(
            (value for value, _label in invitation._meta.get_field("status").choices or ()), 0
        )
        counts.update(invitation.objects.order_by().values_list("status").annotate(n=Count("pk")))
        stats["facebook_group"] = {str(status): n for status, n in counts.items()}
    return stats


def _invitation_model():
    """The Facebook-group invitation model, if the CRM has one (added by another part of the app)."""
    for model in apps.get_app_config("crm").get_models():
        name = model.__name__.lower()
        if "invitation" in name and any(f.name == "status" for f in model._meta.get_fields()):
            # Declared but not migrated yet (a deploy halfway through): report without it.
            return model if model._meta.db_table in connection.introspection.table_names() else None
    return None


class Command(BaseCommand):
    help = "Print the CRM's headline figures (donors, members, MRR, donations, Facebook group)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="One JSON object, for scripts.")

    def handle(self, *args, **options):
        stats = crm_stats()
        if options["json"]:
            self.stdout.write(json.dumps(stats, ensure_ascii=False, sort_keys=True))
            return
        rows = [
            ("Donors", f"{stats['donors']:,}"),
            ("Active monthly members", f"{stats['active_members']:,}"),
            ("Monthly recurring revenue", f"¥{stats['mrr_jpy']:,}"),
            ("Donations received (total)", f"¥{stats['donations_total_jpy']:,}"),
            ("Partner companies", f"{stats['partner_companies']:,}"),
            ("Failed payments being recovered", f"{stats['failed_payments_open']:,}"),
            (
                "Recovery rate (12 months)",
                "—" if stats["recovery_rate_12m"] is None else f"{stats['recovery_rate_12m']:.0%}",
            ),
        ]
        for status, n in stats.get("facebook_group", {}).items():
            rows.append((f"Facebook group: {status}", f"{n:,}"))
        width = max(len(label) for label, _ in rows)
        for label, value in rows:
            self.stdout.write(f"{label:<{width}}  {value:>14}")
