"""/facebook and `flask facebook invite FILE.csv`."""

from sqlalchemy import select

from models import InvitationOptOut, MembershipRequest, RequestState
from tests.support.database import app_session

ANA = "ana@myshop.example"


def requests(app):
    with app_session(app) as session:
        return list(session.scalars(select(MembershipRequest).order_by(MembershipRequest.id)))


def test_the_page_explains_what_is_happening_to_the_group(client):
    html = client.get("/facebook").get_data(as_text=True)
    assert "The old Facebook group is moving" in html
    for label in ("Your name", "Email address", "Your name on Facebook", "subdomain", "I agree"):
        assert label in html


def test_a_paying_account_user_is_invited_with_source_facebook(
    app, post_form, make_account, outbox, run_worker
):
    make_account("myshop", "active", [ANA])
    data = {"name": "Ana Lima", "email": ANA, "facebook_name": "Ana L.", "agree": "y"}
    response = post_form("/facebook", data)
    assert response.status_code == 303
    assert response.headers["Location"] == "/join/sent"
    run_worker()
    [request] = requests(app)
    assert (request.source, request.state, request.facebook_name) == (
        "facebook", RequestState.INVITED, "Ana L."
    )
    [invitation] = outbox()
    assert "old Facebook group" in invitation.body_text


def test_anyone_else_goes_to_review_with_the_facebook_name_for_staff(
    app, post_form, outbox, run_worker
):
    data = {
        "name": "Ben Ode",
        "email": "ben@elsewhere.example",
        "facebook_name": "Benny O",
        "subdomain": "https://benshop.example-app.com/",
        "agree": "y",
    }
    assert post_form("/facebook", data).status_code == 303
    run_worker()
    [request] = requests(app)
    assert (request.state, request.subdomain) == (RequestState.IN_REVIEW, "benshop")
    [staff] = outbox(kind="staff_new_review")
    assert "Facebook name: Benny O" in staff.body_text
    assert "Source: facebook" in staff.body_text


def test_the_facebook_name_is_required(app, post_form):
    data = {"name": "Ana Lima", "email": ANA, "agree": "y"}
    response = post_form("/facebook", data)
    assert response.status_code == 400
    assert "Enter the name you used in the Facebook group" in response.get_data(as_text=True)
    assert requests(app) == []


def write(tmp_path, text, name="members.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_command_invites_matches_and_skips_the_rest(
    app, runner, make_account, make_request, outbox, tmp_path
):
    make_account("myshop", "active", [ANA, "cleo@myshop.example", "dan@myshop.example"])
    make_account("trialco", "trial", ["tess@trialco.example"])
    make_request(name="Cleo", email="cleo@myshop.example")  # invited already
    with app_session(app) as session:
        session.add(InvitationOptOut(email_normalized="dan@myshop.example"))
    before = len(outbox())
    path = write(
        tmp_path,
        "Email,Name\n"
        "ANA@MyShop.example,Ana Lima\n"
        "ana@myshop.example,Ana again\n"
        "cleo@myshop.example,\n"
        "dan@myshop.example,Dan\n"
        "tess@trialco.example,Tess\n"
        "nobody@unknown.example,\n"
        "not an address,\n",
    )
    unmatched = tmp_path / "unmatched.csv"
    result = runner.invoke(args=["facebook", "invite", path, "--unmatched", str(unmatched)])
    assert result.exit_code == 0, result.output
    assert "Invited: 1." in result.output
    assert "Already invited or member (or already asked): 2." in result.output
    assert "Not matched: 2 (no paying account; no request made)." in result.output
    assert "Opted out: 1." in result.output
    assert "Bad rows: 1." in result.output
    assert "line 8: not an email address" in result.output
    assert "The emails are in the outbox: the worker sends them." in result.output

    by_email = {r.email_normalized: r for r in requests(app)}
    assert set(by_email) == {"ana@myshop.example", "cleo@myshop.example"}
    ana = by_email["ana@myshop.example"]
    assert (ana.source, ana.state, ana.name) == ("facebook", RequestState.INVITED, "Ana Lima")
    new = outbox()[before:]
    assert [(e.kind, e.to_addr) for e in new] == [("invitation", "ANA@myshop.example")]
    assert unmatched.read_text().splitlines() == [
        "email,name", "tess@trialco.example,Tess", "nobody@unknown.example,"
    ]


def test_running_the_command_twice_invites_nobody_twice(app, runner, make_account, outbox, tmp_path):
    make_account("myshop", "active", [ANA])
    path = write(tmp_path, "email\nana.lima@myshop.example\n" + ANA + "\n")
    make_account("other", "active", ["ana.lima@myshop.example"])
    runner.invoke(args=["facebook", "invite", path])
    result = runner.invoke(args=["facebook", "invite", path])
    assert "Invited: 0." in result.output
    assert "Already invited or member (or already asked): 2." in result.output
    assert len(outbox(kind="invitation")) == 2
    names = sorted(r.name for r in requests(app))
    assert names == ["Ana", "Ana Lima"]  # a friendly stand-in when the list has no name


def test_a_file_without_an_email_column_does_nothing(app, runner, make_account, tmp_path):
    make_account("myshop", "active", [ANA])
    result = runner.invoke(args=["facebook", "invite", write(tmp_path, "address\n" + ANA + "\n")])
    assert result.exit_code == 1
    assert "needs a header with an `email` column" in result.output
    assert requests(app) == []
