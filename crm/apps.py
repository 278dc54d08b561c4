"""The one CRM app. Every signal receiver of the CRM is connected here, with its sender (and the open
event page is handed its view)."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save


def _ensure_staff_groups(sender, using="default", **kwargs):
    # post_migrate reaches apps in INSTALLED_APPS order and crm comes before auth, so create the
    # permissions the groups need first (idempotent) rather than rely on the receivers' order.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from wagtail.snippets.models import create_extra_permissions

    from crm.groups import ensure_staff_groups

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    # The publish and lock permissions of draftable snippets (testimonials) are made by Wagtail's own
    # post_migrate receiver, which runs after this one: without them a fresh install's
    # Communications group could save testimonial drafts but never publish them.
    create_extra_permissions(apps.get_app_config("wagtailsnippets"), using=using)

    ensure_staff_groups()


class CrmConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "crm"
    verbose_name = "CRM"

    def ready(self):
        self.connect_receivers()
        self.hand_pages_their_views()

    def connect_receivers(self):
        # Imported inside the methods, not at the top: models and the modules that use them load once
        # apps are ready. One method per part of the house, so each stays readable.
        post_migrate.connect(_ensure_staff_groups, sender=self, dispatch_uid="crm.ensure_staff_groups")
        self.connect_giving_and_payments()
        self.connect_people()
        self.connect_documents_and_events()
        self.connect_imports()

    def connect_giving_and_payments(self):
        from crm.banktransfers import receivers as banktransfers
        from crm.banktransfers.models import BankStatement
        from crm.banktransfers.signals import statement_uploaded
        from crm.donors.models import Donor
        from crm.donors.signals import donor_erasing
        from crm.giving import receivers as giving
        from crm.giving.models import DailyIncome, Donation, DonorGiving, RecurringDonation
        from crm.payments import receivers as payments
        from crm.payments.models import PaymentRecovery
        from crm.payments.signals import first_gift_recorded, renewal_failed, subscription_recorded

        # On SQLite a migration that rebuilds a table drops its triggers: put them back after migrate.
        post_migrate.connect(
            giving.reinstall_giving_triggers, sender=self, dispatch_uid="crm.giving_triggers"
        )
        post_save.connect(giving.recount_saved_row, sender=DonorGiving, dispatch_uid="crm.giving_saved")
        post_save.connect(
            giving.recount_saved_income_day, sender=DailyIncome, dispatch_uid="crm.income_saved"
        )

        first_gift_recorded.connect(payments.thank_you_queue, sender=Donation, dispatch_uid="crm.thank_you")
        subscription_recorded.connect(
            payments.waiting_events_queue, sender=RecurringDonation, dispatch_uid="crm.waiting_events"
        )
        renewal_failed.connect(
            payments.recovery_email_queue, sender=PaymentRecovery, dispatch_uid="crm.recovery_email"
        )
        donor_erasing.connect(payments.donor_erasing, sender=Donor, dispatch_uid="crm.payment_card_erasing")
        statement_uploaded.connect(
            banktransfers.statement_match_queue, sender=BankStatement, dispatch_uid="crm.statement_match"
        )

    def connect_people(self):
        from crm.community import receivers as community
        from crm.community.models import FacebookGroupInvitation
        from crm.donors.models import Donor
        from crm.donors.signals import donor_erasing
        from crm.giving.models import RecurringDonation
        from crm.mailing import receivers as mailing
        from crm.mailing.signals import newsletter_signup_received
        from crm.mailings import receivers as mailings
        from crm.payments.signals import membership_ended

        post_save.connect(
            community.recurring_donation_saved, sender=RecurringDonation, dispatch_uid="crm.fbgroup.recurring"
        )
        membership_ended.connect(
            community.membership_ended, sender=RecurringDonation, dispatch_uid="crm.fbgroup.membership_ended"
        )
        post_save.connect(
            community.invitation_saved_or_deleted,
            sender=FacebookGroupInvitation,
            dispatch_uid="crm.invitation_saved",
        )
        post_delete.connect(
            community.invitation_saved_or_deleted,
            sender=FacebookGroupInvitation,
            dispatch_uid="crm.invitation_deleted",
        )

        # The donor form (and every save) fills a blank prefecture and city from the postal code; APPI
        # erasure reaches the mailings' copies of the address (returned mail, printed envelopes).
        pre_save.connect(
            mailings.donor_address_fill_receiver, sender=Donor, dispatch_uid="crm.mailings.address_fill"
        )
        post_save.connect(mailings.donor_erased_receiver, sender=Donor, dispatch_uid="crm.mailings.erased")

        donor_erasing.connect(mailing.donor_erasing, sender=Donor, dispatch_uid="crm.mailchimp_erasing")
        newsletter_signup_received.connect(
            mailing.donor_push_queue, sender=Donor, dispatch_uid="crm.newsletter_push"
        )

    def connect_documents_and_events(self):
        from crm.events import receivers as events
        from crm.events.models import EventInvitation
        from crm.events.signals import event_email_due
        from crm.receipts import receivers as receipts
        from crm.receipts import signals as receipt_signals
        from crm.receipts.models import AnnualReceiptRun, Receipt

        receipt_signals.receipt_email_due.connect(
            receipts.receipt_email_queue, sender=Receipt, dispatch_uid="crm.receipt_email"
        )
        receipt_signals.annual_run_due.connect(
            receipts.annual_run_queue, sender=AnnualReceiptRun, dispatch_uid="crm.annual_run"
        )
        receipt_signals.annual_run_delivery_due.connect(
            receipts.annual_run_delivery_queue, sender=AnnualReceiptRun, dispatch_uid="crm.annual_run_deliver"
        )
        event_email_due.connect(
            events.event_email_queue, sender=EventInvitation, dispatch_uid="crm.event_email"
        )

    def connect_imports(self):
        from crm.donors.models import Donor
        from crm.donors.signals import donor_erasing
        from crm.imports import receivers as imports
        from crm.imports.models import DonorImportJob
        from crm.imports.signals import import_job_confirmed, import_job_uploaded

        donor_erasing.connect(imports.donor_erasing, sender=Donor, dispatch_uid="crm.import_uploads_erasing")
        import_job_uploaded.connect(
            imports.check_queue, sender=DonorImportJob, dispatch_uid="crm.import_check"
        )
        import_job_confirmed.connect(imports.run_queue, sender=DonorImportJob, dispatch_uid="crm.import_run")

    def hand_pages_their_views(self):
        # The open event page answers with the events' view: its form registers through a service,
        # and models import no services, so the app wires the two together here, like a receiver.
        from crm.events.models import EventPage
        from crm.events.views import event_page_serve

        EventPage.serve_view = event_page_serve
