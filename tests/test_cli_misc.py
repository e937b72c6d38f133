from sqlalchemy import select

from models import MembershipRequest, RequestState, StaffUser


def test_demo_seed_creates_a_request_in_every_state(runner, use_session):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    with use_session() as session:
        states = set(session.scalars(select(MembershipRequest.state)))
    assert {
        RequestState.INVITED,
        RequestState.JOINED,
        RequestState.IN_REVIEW,
        RequestState.DECLINED,
        RequestState.EXPIRED,
    } <= states


def test_demo_seed_if_empty_does_nothing_the_second_time(runner, use_session):
    runner.invoke(args=["demo", "seed", "--if-empty"])
    result = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert "no demo data added" in result.output


def test_staff_create_prompts_for_the_password_twice(runner, use_session):
    result = runner.invoke(
        args=["staff", "create", "Lee@Example-App.com"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output
    with use_session() as session:
        user = session.scalar(select(StaffUser))
    assert user.email == "lee@example-app.com"
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_staff_create_refuses_a_short_password(runner):
    result = runner.invoke(args=["staff", "create", "lee@example-app.com"], input="short\nshort\n")
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output


def test_staff_deactivate(runner, make_staff, use_session):
    make_staff("lee@example-app.com", role="reviewer")
    result = runner.invoke(args=["staff", "deactivate", "lee@example-app.com"])
    assert result.exit_code == 0
    with use_session() as session:
        assert session.scalar(select(StaffUser.active)) is False


def test_staff_deactivate_keeps_the_last_admin(runner, make_staff):
    make_staff("boss@example-app.com")
    result = runner.invoke(args=["staff", "deactivate", "boss@example-app.com"])
    assert result.exit_code == 1 and "last active admin" in result.output
