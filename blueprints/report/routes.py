from flask import current_app, redirect, render_template, request, session, url_for

import db
from blueprints.report import bp
from blueprints.report.forms import ReportCodeForm, ReportForm
from extensions import limiter
from services.accounts.subdomain_finder import host_of
from services.content.guides import REPORT_ANSWERS, answer_links
from services.content.index import get_index
from services.dates import long_date
from services.reports import intake as reports

# The code waits here between the POST and the confirmation page, then is gone.
_CODE_KEY = "report_code_once"


def _report_limit():
    return current_app.config["RATELIMIT_REPORTS"]


def _form_page(form, code_form, status=200):
    index = get_index()
    return render_template(
        "report/new.html",
        form=form,
        code_form=code_form,
        community_host=host_of(current_app.config["COMMUNITY_URL"]),
        answers=answer_links(index, REPORT_ANSWERS),
    ), status


@bp.route("/report", methods=["GET", "POST"])
@limiter.limit(_report_limit, methods=["POST"])
def new():
    form = ReportForm(reports.guideline_choices(get_index()))
    if form.validate_on_submit():
        code = reports.submit_report(
            db.get_session(), form.post_url.data, form.guideline.data, form.description.data
        )
        session[_CODE_KEY] = code
        return redirect(url_for("report.thanks"), 303)
    return _form_page(form, ReportCodeForm(formdata=None), 400 if request.method == "POST" else 200)


@bp.get("/report/thanks")
def thanks():
    code = session.pop(_CODE_KEY, None)
    return render_template("report/thanks.html", code=code)


@bp.post("/report/check")
def check():
    code_form = ReportCodeForm()
    if code_form.validate_on_submit():
        return redirect(url_for("report.show", code=code_form.code.data.strip()), 303)
    form = ReportForm(reports.guideline_choices(get_index()), formdata=None)
    return _form_page(form, code_form, 400)


@bp.get("/report/<code>")
def show(code):
    report = reports.find_report(db.get_session(), code)
    if report is None:
        return render_template("report/unknown.html"), 404
    return render_template(
        "report/show.html",
        report=report,
        guideline=reports.guideline_title(get_index(), report.guideline),
        sent_on=long_date(report.created_at),
        closed_on=long_date(report.closed_at) if report.closed_at else None,
    )

