"""Guessing passwords is throttled: per username and address, on both sign-in pages (SPEC B9, R1)."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

OFFICE, HOME = "203.0.113.7", "198.51.100.9"


def sign_in(password, *, address=OFFICE, url=None, username="alice"):
    client = Client()
    response = client.post(url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)
    return response, client


def signed_in(client):
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_from_that_address_with_a_clear_message(alice, password):
    for _ in range(4):
        response, _ = sign_in("wrong")
        assert response.status_code == 200  # the usual "please enter a correct username and password"
    assert sign_in("wrong")[0].status_code == 429  # the fifth locks

    response, client = sign_in(password)

    assert response.status_code == 429
    assert "Too many failed sign-ins for this account from your address. Try again in 15 minutes" in (
        response.content.decode()
    )
    assert not signed_in(client)
    _, elsewhere = sign_in(password, address=HOME)
    assert signed_in(elsewhere)  # the same person from another address is not locked out


def test_the_lock_lifts_after_the_cool_off(alice, password, clock):
    for _ in range(5):
        sign_in("wrong")
    clock.advance(minutes=16)

    _, client = sign_in(password)

    assert signed_in(client)


def test_django_admins_sign_in_is_throttled_too(admin_user, password):
    url = reverse("admin:login")
    for _ in range(5):
        sign_in("wrong", url=url, username=admin_user.username)

    response, client = sign_in(password, url=url, username=admin_user.username)

    assert response.status_code == 429 and not signed_in(client)


def test_an_admin_unlocks_an_account_by_deleting_its_access_attempt(alice, password, admin_client_):
    from axes.models import AccessAttempt

    from ..conftest import csrf_post

    for _ in range(5):
        sign_in("wrong")
    attempt = AccessAttempt.objects.get(username="alice")
    assert admin_client_.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200

    csrf_post(admin_client_, reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    _, client = sign_in(password)
    assert signed_in(client)
