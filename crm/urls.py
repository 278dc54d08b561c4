"""Language-neutral endpoints of the CRM (webhooks, a donor's signed event-answer link). Mounted at the site root, outside i18n."""

from django.urls import path

from crm.events.views import event_answer_view
from crm.mailing.webhooks import mailchimp_webhook
from crm.payments.webhooks import stripe_webhook

urlpatterns: list = [
    path("stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    path("mailchimp/webhook/<str:secret>/", mailchimp_webhook, name="mailchimp_webhook"),
    # A donor's personal answer link for an event (signed, no login); the page speaks their language.
    path("event-answer/<str:token>/", event_answer_view, name="crm_event_answer"),
]
