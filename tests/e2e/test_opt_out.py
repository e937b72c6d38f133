"""A person opens "don't invite me again" from the invitation email, confirms, sees it done."""

from services.membership.bulk_invitations import send_new
from tests.support.browser import assert_accessible_at_all_widths
from tests.support.builders import opt_out_path


def test_opting_out_from_the_invitation_email(page, app, make_account, outbox):
    make_account("myshop", "active", ["ana@myshop.example"])
    send_new(app)
    [email] = outbox(kind="invitation")

    response = page.goto(opt_out_path(email))
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == (
        "You won't be invited again — confirm?"
    )
    assert_accessible_at_all_widths(page, "opt-out confirm page")

    page.get_by_role("button", name="Yes, don't invite me again").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Done: you won't be invited again"
    assert page.get_by_role("link", name="ask to join").get_attribute("href") == "/join"
    assert_accessible_at_all_widths(page, "opt-out done page")
    assert page.console_errors == []

    page.goto("/invite/opt-out/not-a-real-link")
    assert page.get_by_role("heading", level=1).inner_text() == "This link doesn't work"
    assert_accessible_at_all_widths(page, "opt-out bad link page")
