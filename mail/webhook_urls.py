"""Providers' inbound webhooks, under /mail/ (SPEC D13): no sign-in, no CSRF; each view checks the
provider's own credentials (mail/webhooks.py)."""

from django.urls import path

from . import webhooks

app_name = "mail_webhooks"

urlpatterns = [
    path("inbound/postmark/", webhooks.PostmarkInbound.as_view(), name="postmark_inbound"),
    path("inbound/mailgun/", webhooks.MailgunInbound.as_view(), name="mailgun_inbound"),
    # Mailgun posts the raw message ("body-mime") to a forwarding URL that ends in "mime".
    path("inbound/mailgun/mime", webhooks.MailgunInbound.as_view(), name="mailgun_inbound_mime"),
]
