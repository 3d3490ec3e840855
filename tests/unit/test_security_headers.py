"""Headers and redirects an attacker could use are closed (SPEC B9)."""

import pytest
from django.urls import reverse

from ..conftest import csrf_post

pytestmark = pytest.mark.django_db


def test_every_page_denies_device_features_and_signed_in_pages_are_never_cached(alice_client, client):
    page = alice_client.get(reverse("tickets:ticket_list"))
    sign_in = client.get(reverse("login"))

    assert "camera=()" in page["Permissions-Policy"] and "geolocation=()" in sign_in["Permissions-Policy"]
    assert page["Cache-Control"] == "private, no-store"


def test_an_export_download_is_never_cached(alice, alice_client):
    from django.core.files.base import ContentFile

    from tickets.models import TicketExport

    export = TicketExport.objects.create(user=alice, query="tab=all", fingerprint="x", file_name="All-Tickets.xlsx",
                                         state=TicketExport.State.DONE)
    export.file.save("x.xlsx", ContentFile(b"PK\x03\x04"), save=True)

    response = alice_client.get(reverse("tickets:export_download", args=[export.pk]))

    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)"])
def test_mark_all_read_never_redirects_off_the_site(alice_client, target):
    response = csrf_post(alice_client, reverse("notifications:notification_read_all"), {"next": target})

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:notification_list")


def test_mark_all_read_goes_back_to_the_page_it_came_from(alice_client):
    response = csrf_post(alice_client, reverse("notifications:notification_read_all"), {"next": "/tickets/?tab=all"})
    assert response["Location"] == "/tickets/?tab=all"
