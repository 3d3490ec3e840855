"""Headers and redirects an attacker could use are closed (SPEC B9)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from ..conftest import csrf_post

pytestmark = pytest.mark.django_db


@pytest.mark.spec("B9")
def test_every_page_denies_device_features_and_signed_in_pages_are_never_cached(alice_client, client):
    page = alice_client.get(reverse("tickets:ticket_list"))
    sign_in = client.get(reverse("login"))

    assert "camera=()" in page["Permissions-Policy"] and "geolocation=()" in sign_in["Permissions-Policy"]
    assert page["Cache-Control"] == "private, no-store"


@pytest.mark.spec("B9")
def test_an_export_download_is_never_cached(alice, alice_client):
    from django.core.files.base import ContentFile

    from tickets.models import TicketExport

    export = TicketExport.objects.create(user=alice, query="tab=all", fingerprint="x", file_name="All-Tickets.xlsx",
                                         state=TicketExport.State.DONE)
    export.file.save("x.xlsx", ContentFile(b"PK\x03\x04"), save=True)

    response = alice_client.get(reverse("tickets:export_download", args=[export.pk]))

    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)"])
@pytest.mark.spec("B9")
def test_mark_all_read_never_redirects_off_the_site(alice_client, target):
    response = csrf_post(alice_client, reverse("notifications:notification_read_all"), {"next": target})

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:notification_list")


@pytest.mark.spec("B9")
def test_mark_all_read_goes_back_to_the_page_it_came_from(alice_client):
    response = csrf_post(alice_client, reverse("notifications:notification_read_all"), {"next": "/tickets/?tab=all"})
    assert response["Location"] == "/tickets/?tab=all"


@pytest.mark.spec("B9")
def test_pages_and_fragments_carry_a_policy_that_allows_only_the_sites_own_scripts_and_styles(alice_client, client):
    page = alice_client.get(reverse("tickets:ticket_list"))
    fragment = alice_client.get(reverse("tickets:ticket_list"), headers={"HX-Request": "true"})
    sign_in = client.get(reverse("login"))

    for response in (page, fragment, sign_in):
        policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
        assert policy["script-src"] == policy["style-src"] == "'self'"
        assert policy["object-src"] == policy["frame-ancestors"] == "'none'"
        assert policy["form-action"] == policy["base-uri"] == "'self'"


# What the policy blocks, written into a template: a style or event-handler attribute, an inline
# <script> or <style>, htmx's hx-on (evaluated code) and js: values.
INLINE_CODE = re.compile(r"""\sstyle=|\son[a-z]+=["']|<script(?![^>]*\ssrc=)|<style|hx-on|["']js:""")


@pytest.mark.spec("B9")
def test_no_template_carries_inline_code_or_style_the_policy_would_block():
    templates = Path(settings.BASE_DIR, "templates")
    offending = [
        f"{path.relative_to(templates)}:{number}"
        for path in sorted(templates.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if INLINE_CODE.search(line)
    ]
    assert offending == []
