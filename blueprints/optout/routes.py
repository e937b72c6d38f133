from flask import redirect, render_template, url_for

import db
from blueprints.optout import bp
from blueprints.optout.forms import OptOutForm
from services.membership import opt_outs

# An unreadable link is "not found"; a genuine but old one is "gone".
_LINK_PROBLEM_STATUS = {"invalid": 404, "expired": 410}


@bp.get("/invite/opt-out/<token>")
def ask(token):
    lookup = opt_outs.look_up(db.get_session(), token)
    if lookup.outcome in _LINK_PROBLEM_STATUS:
        return _link_problem(lookup)
    if lookup.outcome == "done":
        return render_template("optout/done.html", request_row=lookup.request)
    return render_template("optout/confirm.html", form=OptOutForm(), request_row=lookup.request)


@bp.post("/invite/opt-out/<token>")
def confirm(token):
    session = db.get_session()
    lookup = opt_outs.look_up(session, token)
    if lookup.outcome in _LINK_PROBLEM_STATUS:
        return _link_problem(lookup)
    form = OptOutForm()
    if not form.validate_on_submit():
        return render_template("optout/confirm.html", form=form, request_row=lookup.request), 400
    if lookup.outcome == "ask":
        opt_outs.opt_out(session, lookup.request)
    return redirect(url_for("optout.ask", token=token), 303)


def _link_problem(lookup):
    status = _LINK_PROBLEM_STATUS[lookup.outcome]
    return render_template("optout/link_problem.html", outcome=lookup.outcome), status
