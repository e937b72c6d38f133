"""FAQ answers as readers judged them: votes and comments, the least helpful first."""

from flask import render_template

import db
from blueprints.staff import bp
from models import StaffRole
from services.content.answer_feedback import answer_feedback
from web.staff_roles import requires_role


@bp.get("/answers")
@requires_role(StaffRole.REVIEWER)
def answers():
    return render_template("staff/answers.html", answers=answer_feedback(db.get_session()))
