import pytest

from app import ConfigurationError, create_app


def test_refuses_to_start_without_a_real_secret_key_outside_development(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY must be set"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})


def test_starts_in_production_mode_with_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("SECRET_KEY", "a" * 40)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert app.config["MAIL_BACKEND"] == "smtp"
    assert "devmail.mailbox" not in app.view_functions


def test_environment_variables_override_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("BRAND_NAME", "Brightdesk")
    monkeypatch.setenv("INVITE_TTL_DAYS", "3")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert app.config["BRAND_NAME"] == "Brightdesk"
    assert app.config["INVITE_TTL_DAYS"] == 3


def test_development_mode_has_the_dev_mailbox(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert app.config["MAIL_BACKEND"] == "file"
    assert "devmail.mailbox" in app.view_functions


def test_dev_mailbox_does_not_exist_outside_development(client):
    assert client.get("/dev/mail").status_code == 404
