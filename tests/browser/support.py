import re

from playwright.sync_api import expect


def sign_in(page, live_server, username, password):
    """Sign in through the login page, as a person does."""
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/tickets/"))
