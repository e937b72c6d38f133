from flask import current_app, render_template, request

from blueprints.contact import bp
from blueprints.contact.forms import QuestionForm
from services.content import search
from services.content.index import get_index

SUGGESTIONS = 5


@bp.get("/contact")
def index():
    form = QuestionForm(request.args)
    query = (form.q.data or "").strip()
    results = search.search(get_index(), query, limit=SUGGESTIONS) if query else None
    config = current_app.config
    return render_template(
        "contact/index.html",
        form=form,
        results=results,
        support_email=config["SUPPORT_EMAIL"],
        chat_url=config["SUPPORT_CHAT_URL"],
    )
