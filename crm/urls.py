"""Language-neutral endpoints of the CRM (webhooks). Mounted at the site root, outside i18n."""

from django.urls import path

from crm.mailing.webhooks import mailchimp_webhook
from crm.payments.webhooks import stripe_webhook

urlpatterns: list = [
    path("stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    path("mailchimp/webhook/<str:secret>/", mailchimp_webhook, name="mailchimp_webhook"),
]
