"""Language-neutral endpoints of the CRM (webhooks, a donor's signed event-answer link). Mounted at the site root, outside i18n."""

from django.urls import path

from crm.events.views import event_answer_view
from crm.mailing.webhooks import mailchimp_webhook
from crm.payments.webhooks import stripe_webhook
from crm.receipts import views as receipt_views

urlpatterns: list = [
    path("stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    path("mailchimp/webhook/<str:secret>/", mailchimp_webhook, name="mailchimp_webhook"),
    # A donor's personal answer link for an event (signed, no login); the page speaks their language.
    path("event-answer/<str:token>/", event_answer_view, name="crm_event_answer"),
    # The donor's gifts and receipts: signed links, no login (crm/receipts/views.py).
    path("my-gifts/", receipt_views.donor_page_request, name="receipts_donor_request"),
    path("my-gifts/<str:token>/", receipt_views.donor_page, name="receipts_donor_page"),
    path(
        "my-gifts/<str:token>/receipt/<int:donation_id>.pdf",
        receipt_views.donor_gift_receipt,
        name="receipts_donor_gift_receipt",
    ),
    path(
        "my-gifts/<str:token>/statement/<int:year>.pdf",
        receipt_views.donor_annual_statement,
        name="receipts_donor_statement",
    ),
]
