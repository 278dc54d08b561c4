"""Language-neutral endpoints of the CRM (webhooks). Mounted at the site root, outside i18n."""

from django.urls import path

from crm.receipts import views as receipt_views
from crm.webhooks import stripe_webhook
from crm.webhooks_mailchimp import mailchimp_webhook

urlpatterns: list = [
    path("stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    path("mailchimp/webhook/<str:secret>/", mailchimp_webhook, name="mailchimp_webhook"),
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
