"""Property-based: junk posted to every form and JSON endpoint never makes a 500 or junk rows.

The endpoints come from app.url_map (every POST route and everything under
/api/), so routes added by any area are covered without listing them. For each,
hypothesis sends arbitrary text, very long values, wrong types, missing and
unknown fields, odd encodings and NUL characters, with a valid CSRF token and
without. After each example: no 500, nothing stored with a NUL or longer than
its column, and after a 4xx answer not a single row more than before.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from flask import Blueprint, render_template_string
from flask import session as flask_session
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, func, select
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

import db
from models import Base, FaqVote
from tests.support.database import app_session
from tests.support.routes import collection_app, route_id, routes

TARGETS = [
    (rule, path)
    for rule, path in routes(collection_app())
    if "POST" in rule.methods or rule.rule.startswith("/api/")
]
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FUZZ_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Values: ordinary and arbitrary text, NULs, very long, numbers-as-text, blanks.
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(max_size=10).map(lambda s: s + "\x00" + s),
    st.integers(min_value=300, max_value=300_000).map(lambda n: "é" * n),
    st.sampled_from(["", " ", "0", "-1", "1e309", "true", "null", "[]", "{}",
                     "ana@myshop.example", "<script>x</script>", "'; drop table x; --",
                     "\u202e\ufeff", "a" * 10_000, "https://" + "x" * 3000]),
)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
RAW_CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "multipart/form-data; boundary=zzz",
    "text/plain",
    "application/json",
]


class _FormReader(HTMLParser):
    """A plausible filled-in version of the page's form: name -> value."""

    def __init__(self):
        super().__init__()
        self.values = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and name != "csrf_token":
            kind = attrs.get("type", "text")
            if kind in {"radio", "checkbox"}:
                self.values.setdefault(name, attrs.get("value", "y"))
            elif kind == "email":
                self.values[name] = "ana@myshop.example"
            elif kind == "url":
                self.values[name] = "https://community.example-app.com/t/1"
            elif kind not in {"submit", "hidden", "button"}:
                self.values[name] = attrs.get("value") or "Ana Lima"
        elif tag == "textarea" and name:
            self.values[name] = "A few words of plain text."
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self.values.setdefault(self._select, attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def plausible_form(page_html):
    reader = _FormReader()
    reader.feed(page_html)
    return reader.values


def _submission(baseline):
    """One request body: the page's own form with some fields junk or missing, any
    fields at all, raw bytes with an odd content type, or JSON."""
    value = TEXT | st.lists(TEXT, min_size=2, max_size=3)
    names = sorted(baseline)
    own_fields = st.fixed_dictionaries(
        {}, optional={name: value | st.just(baseline[name]) for name in names}
    )
    any_fields = st.dictionaries(st.text(max_size=12), value, max_size=6)
    raw = st.tuples(st.binary(max_size=300), st.sampled_from(RAW_CONTENT_TYPES))
    branches = [
        own_fields.map(lambda d: ("form", d)),
        any_fields.map(lambda d: ("form", d)),
        raw.map(lambda r: ("raw", r)),
        JSON_VALUE.map(lambda j: ("json", j)),
    ]
    if names:
        # A valid submission with one field replaced: the likeliest way junk is stored.
        long_text = st.integers(min_value=250, max_value=20_000).map(lambda n: "x" * n)
        one_bad = st.tuples(st.sampled_from(names), value | long_text).map(
            lambda bad: ("form", {**baseline, bad[0]: bad[1]})
        )
        branches[:0] = [one_bad, one_bad]
    return st.one_of(branches)


# Tables a refusal is meant to write to: a failed staff sign-in is counted (hashed)
# so that the failing client, and only it, is slowed down, and recorded in the audit trail.
COUNTS_REFUSALS = {"sign_in_throttle", "audit_entry"}


def _row_counts(app):
    with app_session(app) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
            if table.name not in COUNTS_REFUSALS
        }


def _stored_junk(app):
    """Text values with a NUL or longer than their column allows."""
    junk = []
    with app_session(app) as session:
        for table in Base.metadata.sorted_tables:
            text_columns = [c for c in table.columns if isinstance(c.type, String)]
            for row in session.execute(select(*text_columns)) if text_columns else []:
                for column, value in zip(text_columns, row, strict=True):
                    if not isinstance(value, str):
                        continue
                    if "\x00" in value:
                        junk.append(f"{table.name}.{column.name} holds a NUL")
                    if column.type.length and len(value) > column.type.length:
                        junk.append(f"{table.name}.{column.name} is {len(value)} long")
    return junk


def _csrf_token(app, client, path, page_html):
    """The token from the GET page where there is one, else one for the client's session."""
    match = CSRF_RE.search(page_html or "")
    if match:
        return match.group(1)
    with app.test_request_context():
        token = generate_csrf()
        raw = flask_session["csrf_token"]
    with client.session_transaction() as stored:
        stored["csrf_token"] = raw
    return token


def _send(client, method, path, kind, body, token):
    if method == "GET":
        query = body if kind == "form" else {"q": json.dumps(body)} if kind == "json" else {}
        return client.get(path, query_string=query)
    if kind == "form":
        data = dict(body)
        if token:
            data["csrf_token"] = token
        return client.post(path, data=data)
    if kind == "raw":
        raw, content_type = body
        prefix = f"csrf_token={token}&".encode() if token else b""
        return client.post(path, data=prefix + raw, content_type=content_type)
    headers = {"X-CSRFToken": token} if token else {}
    return client.post(path, json=body, headers=headers)


def fuzz(app, path, methods):
    """Run the property on one path for the given methods."""
    client = app.test_client()
    page = client.get(path) if "GET" in methods else None
    page_html = page.get_data(as_text=True) if page is not None else ""
    baseline = plausible_form(page_html)
    token = _csrf_token(app, client, path, page_html) if "POST" in methods else None
    # POST three times as often as GET where a route takes both.
    method_choices = ["POST"] * 3 + ["GET"] if {"GET", "POST"} <= methods else sorted(
        methods & {"GET", "POST"}
    )

    def property_holds(method, kind, body, with_token):
        before = _row_counts(app)
        response = _send(client, method, path, kind, body, token if with_token else None)
        status = response.status_code
        response.close()
        assert status < 500, f"{method} {path} {kind} -> {status}"
        assert _stored_junk(app) == [], f"{method} {path} {kind} stored junk"
        if status >= 400:
            assert _row_counts(app) == before, f"a {status} answer stored rows"

    if "POST" in methods:
        # Certain probes first: each field of a valid form too long, then holding a NUL.
        for name in sorted(baseline):
            for bad in ("x" * 5000, "a\x00b"):
                property_holds("POST", "form", {**baseline, name: bad}, True)

    @FUZZ_SETTINGS
    @given(
        method=st.sampled_from(method_choices),
        submission=_submission(baseline),
        with_token=st.sampled_from([True, True, True, False]),
    )
    def check(method, submission, with_token):
        kind, body = submission
        property_holds(method, kind, body, with_token)

    check()


@pytest.mark.parametrize(("rule", "path"), TARGETS, ids=[route_id(r) for r, _ in TARGETS])
def test_no_junk_input_makes_a_500_or_a_junk_row(app, rule, path):
    fuzz(app, path, rule.methods)


class _SampleForm(FlaskForm):
    slug = StringField("Answer", validators=[DataRequired(), Length(max=120)])
    comment = StringField("Comment", validators=[Length(max=2000)])
    helpful = BooleanField("Helpful")


@pytest.fixture
def sample_form_app(app):
    """A form that stores a row, so the property itself is checked in every branch."""
    bp = Blueprint("fuzzsample", __name__)

    @bp.route("/fuzz-sample", methods=["GET", "POST"])
    def sample():
        form = _SampleForm()
        if form.validate_on_submit():
            db.get_session().add(FaqVote(
                slug=form.slug.data, helpful=form.helpful.data, comment=form.comment.data,
                voter_key=str(db.get_session().scalar(select(func.count(FaqVote.id)))),
            ))
            return "thanks", 201
        return render_template_string(
            '<form method="post">{{ form.csrf_token }}{{ form.slug }}{{ form.comment }}'
            "{{ form.helpful }}</form>",
            form=form,
        ), 400 if form.errors else 200

    app.register_blueprint(bp)
    return app


def test_the_property_holds_on_a_sample_form_that_stores_rows(sample_form_app):
    fuzz(sample_form_app, "/fuzz-sample", {"GET", "POST"})


@pytest.mark.parametrize(
    "data",
    [{"slug": "a\x00b"}, {"comment\x00": "x"}],
)
def test_nul_characters_are_refused_centrally_with_a_400_page(sample_form_app, data):
    client = sample_form_app.test_client()
    token = CSRF_RE.search(client.get("/fuzz-sample").get_data(as_text=True)).group(1)
    response = client.post("/fuzz-sample", data={"csrf_token": token, **data})
    assert response.status_code == 400
    assert "characters we can" in response.get_data(as_text=True)
    assert client.get("/faq/a%00b").status_code == 400
    assert client.get("/?q=%00").status_code == 400
    assert client.post("/fuzz-sample", json={"slug": ["\x00"]}).status_code == 400
    assert client.post(
        "/fuzz-sample", data=b'{"slug": "\\ud800"}', content_type="application/json"
    ).status_code == 400
