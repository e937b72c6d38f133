from flask import render_template, request

from blueprints.loginhelp import bp
from services.content.index import get_index
from services.content.login_help import step_view


@bp.get("/help/login", defaults={"step_id": None})
@bp.get("/help/login/<step_id>")
def step(step_id):
    index = get_index()
    start = index.login_tree.start if index.login_tree else ""
    view = step_view(index, step_id or start, request.args.get("trail", ""))
    if view is None:
        return render_template("loginhelp/unknown.html"), 404
    return render_template("loginhelp/step.html", view=view, start=start)
