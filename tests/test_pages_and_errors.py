import pytest
from flask import Blueprint, render_template_string
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired


def test_home_page_renders_in_the_layout(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="#main"' in html  # skip link
    assert "Example App Community" in html


def test_healthz_says_only_ok(client):
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    from app import create_app
    from tests.support.database import base_test_config

    config = base_test_config(tmp_path, "sqlite:////nonexistent-dir/never/lobby.sqlite3")
    response = create_app(config).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "We can&#39;t find that page" in response.get_data(as_text=True)


def test_wrong_method_is_a_405_in_the_layout(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "skip-link" in response.get_data(as_text=True)


class _NameForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired()])


@pytest.fixture
def form_app(app):
    """The app with one extra form page, to test CSRF and error rendering."""
    bp = Blueprint("testform", __name__)

    @bp.route("/test-form", methods=["GET", "POST"])
    def test_form():
        form = _NameForm()
        if form.validate_on_submit():
            return "ok"
        return render_template_string(
            '{% extends "base.html" %}{% import "_forms.html" as forms %}{% block content %}'
            '{{ forms.error_summary(form) }}<form method="post">{{ form.csrf_token }}'
            "{{ forms.field(form.name) }}{{ forms.submit('Send') }}</form>{% endblock %}",
            form=form,
        ), (400 if form.errors else 200)

    @bp.route("/boom")
    def boom():
        raise RuntimeError("boom")

    app.register_blueprint(bp)
    return app


def test_a_post_without_csrf_token_gets_the_friendly_retry_page(form_app):
    response = form_app.test_client().post("/test-form", data={"name": "Ana"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This form timed out" in html
    assert 'href="/test-form"' in html


def test_form_errors_show_inline_and_in_the_summary(form_app, post_form):
    client = form_app.test_client()
    html = client.get("/test-form").get_data(as_text=True)
    from tests.support.forms import csrf_token_from

    response = client.post("/test-form", data={"csrf_token": csrf_token_from(html), "name": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert 'href="#name"' in page
    assert 'id="name-error"' in page
    assert 'aria-describedby="name-error"' in page


def test_an_unexpected_error_is_a_500_page_in_the_layout(form_app):
    form_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = form_app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
