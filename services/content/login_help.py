"""The login help pages: one step of content/help/login.yaml per URL.

“Back” works without JavaScript through a trail in the query string
(`?trail=start,login-error`): the steps taken to reach this one. A trail is
trusted only when it is a real path through the tree from its start to this
step; otherwise it is dropped and Back goes to a step that leads here.
"""

from dataclasses import dataclass

from services.content.guides import LOGIN_HELP_ANSWERS, answer_links

MAX_TRAIL = 40


@dataclass(frozen=True)
class Choice:
    label: str
    step: str
    trail: str  # the trail to carry to that step


@dataclass(frozen=True)
class StepView:
    step: object  # services.content.model.LoginStep
    is_start: bool
    choices: list  # [Choice]
    back_step: str | None
    back_trail: str
    answers: list  # [AnswerLink]


def parse_trail(tree, raw, step_id):
    """The steps before `step_id`, if `raw` is a genuine path to it; otherwise []."""
    trail = [part for part in (raw or "").split(",") if part][:MAX_TRAIL + 1]
    if not trail or len(trail) > MAX_TRAIL or trail[0] != tree.start:
        return []
    for here, there in zip(trail, trail[1:] + [step_id], strict=True):
        step = tree.steps.get(here)
        if step is None or there not in [next_id for _label, next_id in step.choices]:
            return []
    return trail


def parent_of(tree, step_id):
    """The first step (in file order) with a choice leading to `step_id`, or None."""
    for step in tree.steps.values():
        if any(next_id == step_id for _label, next_id in step.choices):
            return step.id
    return None


def step_view(index, step_id, raw_trail=""):
    """What the page of one step shows, or None when the step does not exist."""
    tree = index.login_tree
    if tree is None or step_id not in tree.steps:
        return None
    step = tree.steps[step_id]
    is_start = step_id == tree.start
    trail = [] if is_start else parse_trail(tree, raw_trail, step_id)
    if trail:
        back_step, back_trail = trail[-1], ",".join(trail[:-1])
    else:
        back_step, back_trail = (None if is_start else parent_of(tree, step_id)), ""
    carried = ",".join(trail + [step_id])
    choices = [Choice(label, next_id, carried) for label, next_id in step.choices]
    slugs = list(step.faq) or (list(LOGIN_HELP_ANSWERS) if is_start else [])
    return StepView(
        step=step,
        is_start=is_start,
        choices=choices,
        back_step=back_step,
        back_trail=back_trail,
        answers=answer_links(index, slugs),
    )
