"""Every console route says which role it needs, and a reviewer is kept out of admin pages.

ROLES is the table: a new console route fails test_every_console_route_is_in_the_table
until it is added here with the role its view is labelled with (@requires_role).
"""

import pytest

from blueprints.staff.auth import OPEN_ENDPOINTS
from tests.support.forms import csrf_token_from
from tests.support.routes import collection_app, sample_path
from tests.support.staff import sign_in
from web.staff_roles import declared_role

R, A = "reviewer", "admin"
ROLES = {
    "staff.queue": R, "staff.request_detail": R, "staff.approve": R, "staff.decline": R,
    "staff.resend": R, "staff.revoke": R, "staff.outbox_list": R, "staff.outbox_retry": R,
    "staff.answers": R, "staff.reports": R, "staff.report_close": R,
    "staff.community_problems": R, "staff.health": R, "staff.answer_reply": R, "staff.unmatched_mail": R,
    "staff.mail_attach": R, "staff.mail_discard": R, "staff.community_retry": R, "staff.logout": R,
    "staff.my_sessions": R, "staff.end_my_session": R, "staff.end_other_sessions": R,
    "staff.change_my_password": R,
    "staff.outbox_retry_all": A, "staff.decline_reasons": A, "staff.decline_reason_new": A,
    "staff.decline_reason_edit": A, "staff.accounts": A, "staff.accounts_preview": A,
    "staff.accounts_import": A, "staff.invitations": A, "staff.invitations_send": A,
    "staff.people": A, "staff.people_invite": A, "staff.people_role": A,
    "staff.people_deactivate": A, "staff.people_reactivate": A,
    "staff.people_reset_two_factor": A, "staff.audit_log": A, "staff.audit_export": A,
}


def console_rules():
    app = collection_app()
    return [
        rule for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
        if rule.endpoint.startswith("staff.") and rule.endpoint not in OPEN_ENDPOINTS
    ]


def test_every_console_route_is_in_the_table_with_its_declared_role():
    app = collection_app()
    for rule in console_rules():
        assert rule.endpoint in ROLES, f"{rule.endpoint} ({rule.rule}) needs a row in ROLES"
        declared = declared_role(app.view_functions[rule.endpoint])
        assert declared == ROLES[rule.endpoint], (
            f"{rule.endpoint}: label the view with @requires_role(StaffRole.{ROLES[rule.endpoint].upper()})"
        )


@pytest.mark.parametrize(
    "rule", [r for r in console_rules() if ROLES.get(r.endpoint) == A], ids=lambda r: r.endpoint
)
def test_a_reviewer_gets_a_403_naming_the_role_on_admin_routes(app, client, make_staff, rule):
    sign_in(client, make_staff, email="rev@example-app.com", role=R)
    path = sample_path(app, rule)
    if "GET" in rule.methods:
        response = client.get(path)
    else:
        token = csrf_token_from(client.get("/staff/").get_data(as_text=True))
        response = client.post(path, data={"csrf_token": token})
    assert response.status_code == 403
    assert "needs the admin role" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "rule",
    [r for r in console_rules() if ROLES.get(r.endpoint) == R and "GET" in r.methods],
    ids=lambda r: r.endpoint,
)
def test_a_reviewer_opens_reviewer_pages(app, client, make_staff, make_request, rule):
    make_request(email="hana@gmail.example")
    sign_in(client, make_staff, email="rev@example-app.com", role=R)
    response = client.get(sample_path(app, rule))
    assert response.status_code in (200, 404), rule.endpoint


def test_a_route_without_a_label_needs_admin(app):
    from web.staff_roles import role_for_endpoint

    with app.test_request_context():
        assert role_for_endpoint("staff.no_such_endpoint") == "admin"


def test_the_reviewer_nav_leaves_out_admin_pages(client, make_staff):
    sign_in(client, make_staff, email="rev@example-app.com", role=R)
    page = client.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/people"' not in page and 'href="/staff/accounts"' not in page
    assert 'href="/staff/sessions"' in page
