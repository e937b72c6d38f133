"""Small helpers shared by the self-service guides (subdomain, login help, report)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerLink:
    slug: str
    title: str
    url: str


def answer_links(index, slugs):
    """Links to the FAQ answers a guide relies on; slugs (or aliases) not in content are left out."""
    links, seen = [], set()
    for slug in slugs:
        page, _alias = index.resolve(slug)
        if page is not None and page.slug not in seen:
            seen.add(page.slug)
            links.append(AnswerLink(page.slug, page.title, f"/faq/{page.slug}"))
    return links


# The FAQ answers each guide relies on, shown as "Related answers".
SUBDOMAIN_ANSWERS = ("find-my-subdomain", "personal-email", "trial-account", "how-to-join")
REPORT_ANSWERS = (
    "report-guideline-breach", "guidelines-overview", "keep-customer-details-private",
    "data-we-keep",
)
LOGIN_HELP_ANSWERS = ("cant-log-in", "lock-screen-already-member", "forgot-password")
