from flask import current_app, render_template, request

import db
from blueprints.subdomain import bp
from blueprints.subdomain.forms import EmailSubdomainsForm
from services.accounts.subdomain_finder import MESSAGES, find_subdomain, host_of
from services.content.guides import SUBDOMAIN_ANSWERS, answer_links
from services.content.index import get_index
from services.queues.lookups import LookupKind, enqueue
from web.rate_limits import limit_email_form


def _finder_context(address):
    config = current_app.config
    community_host = host_of(config["COMMUNITY_URL"])
    result = find_subdomain(address, config["ACCOUNT_DOMAIN"], community_host) if address else None
    return {
        "address": address,
        "result": result,
        "community_host": community_host,
        "messages": MESSAGES,
        "answers": answer_links(get_index(), SUBDOMAIN_ANSWERS),
    }


@bp.get("/subdomain")
def find():
    address = request.args.get("address", "")[:2100]
    return render_template(
        "subdomain/find.html", form=EmailSubdomainsForm(), **_finder_context(address)
    )


@bp.route("/subdomain/email", methods=["GET", "POST"])
@limit_email_form
def email():
    form = EmailSubdomainsForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("subdomain/email.html", form=form), status
    # Only a queued look-up: the same work for every address (the worker sends).
    enqueue(db.get_session(), LookupKind.SUBDOMAIN_LIST, address=form.email.data)
    return render_template("subdomain/email_sent.html")
