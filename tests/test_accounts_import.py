import pytest
from sqlalchemy import func, select

from models import Account, AccountUser

GOOD = """subdomain,account_name,status,email
myshop,My Shop,active,ana@myshop.example
myshop,My Shop,active,ben@myshop.example
bluebird,Bluebird,trial,dev@bluebird.example
"""


def _write(tmp_path, text, name="accounts.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _counts(use_session):
    with use_session() as session:
        return (
            session.scalar(select(func.count()).select_from(Account)),
            session.scalar(select(func.count()).select_from(AccountUser)),
        )


def test_imports_accounts_and_users(runner, tmp_path, use_session):
    result = runner.invoke(args=["accounts", "import", _write(tmp_path, GOOD)])
    assert result.exit_code == 0, result.output
    assert "2 account(s) created" in result.output
    assert "3 user(s) added" in result.output
    assert _counts(use_session) == (2, 3)


def test_importing_the_same_file_twice_changes_nothing(runner, tmp_path, use_session):
    path = _write(tmp_path, GOOD)
    runner.invoke(args=["accounts", "import", path])
    result = runner.invoke(args=["accounts", "import", path])
    assert result.exit_code == 0
    assert "0 account(s) created, 0 updated, 0 user(s) added" in result.output
    assert _counts(use_session) == (2, 3)


def test_a_changed_status_is_updated(runner, tmp_path, use_session):
    runner.invoke(args=["accounts", "import", _write(tmp_path, GOOD)])
    changed = GOOD.replace("bluebird,Bluebird,trial", "bluebird,Bluebird,active")
    result = runner.invoke(args=["accounts", "import", _write(tmp_path, changed, "b.csv")])
    assert "1 updated" in result.output
    with use_session() as session:
        assert session.scalar(select(Account.status).where(Account.subdomain == "bluebird")) == "active"


def test_one_bad_row_is_reported_by_line_and_nothing_is_imported(runner, tmp_path, use_session):
    text = GOOD + "oldco,Old Co,frozen,eve@oldco.example\n"
    result = runner.invoke(args=["accounts", "import", _write(tmp_path, text)])
    assert result.exit_code == 1
    assert "line 5: “frozen” is not a status" in result.output
    assert "Nothing imported" in result.output
    assert _counts(use_session) == (0, 0)


def test_skip_bad_rows_imports_the_rest(runner, tmp_path, use_session):
    text = GOOD + "oldco,Old Co,frozen,eve@oldco.example\n"
    result = runner.invoke(args=["accounts", "import", "--skip-bad-rows", _write(tmp_path, text)])
    assert result.exit_code == 0, result.output
    assert "line 5:" in result.output
    assert "1 bad row(s) skipped" in result.output
    assert _counts(use_session) == (2, 3)


@pytest.mark.parametrize(
    "row, reason",
    [
        ("my_shop,My Shop,active,a@b.example", "is not a valid subdomain"),
        ("-shop,My Shop,active,a@b.example", "is not a valid subdomain"),
        ("myshop,,active,a@b.example", "the account name is empty"),
        ("myshop,My Shop,gold,a@b.example", "is not a status"),
        ("myshop,My Shop,active,not-an-email", "is not a valid email address"),
        ("myshop,My Shop,active,a@@b.example", "is not a valid email address"),
        ("myshop,My Shop,active,ana@mysh\u043ep.example", "different alphabets"),
        ("myshop,My Shop,active", "expected 4 columns, found 3"),
        ("myshop,My Shop,active,a@b.example,extra", "expected 4 columns, found 5"),
    ],
)
def test_row_validation(runner, tmp_path, row, reason):
    text = "subdomain,account_name,status,email\n" + row + "\n"
    result = runner.invoke(args=["accounts", "import", _write(tmp_path, text)])
    assert result.exit_code == 1
    assert "line 2: " in result.output and reason in result.output


def test_a_wrong_header_is_refused(runner, tmp_path):
    result = runner.invoke(args=["accounts", "import", _write(tmp_path, "sub,name\nx,y\n")])
    assert result.exit_code == 1
    assert "line 1: the header must be exactly subdomain,account_name,status,email" in result.output


def test_emails_match_case_insensitively_across_imports(runner, tmp_path, use_session):
    runner.invoke(args=["accounts", "import", _write(tmp_path, GOOD)])
    upper = GOOD.replace("ana@myshop.example", "ANA@MyShop.example")
    result = runner.invoke(args=["accounts", "import", _write(tmp_path, upper, "u.csv")])
    assert "0 user(s) added" in result.output
