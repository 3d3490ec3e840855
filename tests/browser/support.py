import re
from urllib.parse import quote

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect


def sign_in(page, server, username, password, path=None):
    """Sign in through the login page, as a person does (then to `path`, if given).

    Returns once the landing page has loaded, its scripts included: a click any sooner could land
    before htmx has wired the page and follow a plain link instead.
    """
    page.goto(server.url + "/login/" + (f"?next={quote(path, safe='/')}" if path else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/tickets/"))
    page.wait_for_load_state()


def confirm_dialog(page):
    """The site's own "are you sure?" dialog (static/js/widgets/dialog.js), which stands in for window.confirm."""
    return page.get_by_role("alertdialog")


def signed_in(page, server, user):
    """Give the browser a session for `user` without the login page (tests about something else)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": server.url}])
