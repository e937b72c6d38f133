"""The subdomain finder's rules, as a table (static/js/subdomain.js follows the same table)."""

import pytest

from services.accounts.subdomain_finder import MESSAGES, OUTCOMES, find_subdomain, host_of
from tests.support.subdomain_cases import CASES, COMMUNITY, DOMAIN


@pytest.mark.parametrize(("text", "outcome", "subdomain", "host"), CASES)
def test_find_subdomain(text, outcome, subdomain, host):
    result = find_subdomain(text, DOMAIN, COMMUNITY)
    assert (result.outcome, result.subdomain, result.host) == (outcome, subdomain, host)
    assert result.found is (outcome == "found")


def test_the_table_covers_every_outcome():
    assert {case[1] for case in CASES} == set(OUTCOMES) == set(MESSAGES)


def test_messages_say_what_to_do_next():
    found = find_subdomain("https://myshop.example-app.com", DOMAIN, COMMUNITY)
    assert found.message == "Your subdomain is myshop."
    other = find_subdomain("https://shop.mycompany.co.uk/", DOMAIN, COMMUNITY)
    assert "shop.mycompany.co.uk isn't on example-app.com" in other.message
    assert "custom" in other.message and "email you your subdomains" in other.message
    community = find_subdomain("community.example-app.com", DOMAIN, COMMUNITY)
    assert "community's own address" in community.message


def test_account_domain_is_read_case_insensitively():
    result = find_subdomain("myshop.example-app.com", "Example-App.com.", "")
    assert result.subdomain == "myshop"


def test_without_a_community_host_its_address_reads_as_a_subdomain():
    result = find_subdomain("https://community.example-app.com", DOMAIN, "")
    assert (result.outcome, result.subdomain) == ("found", "community")


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://community.example-app.com", "community.example-app.com"),
        ("https://Community.Example.org:8443/path", "community.example.org"),
        ("", ""),
        ("javascript:x", ""),
    ],
)
def test_host_of(url, host):
    assert host_of(url) == host


@pytest.mark.parametrize(
    "typed, subdomain, problem",
    [
        ("", None, None),
        ("myshop", "myshop", None),
        ("MyShop", "myshop", None),
        ("https://www.MyShop.example-app.com/admin?tab=1", "myshop", None),
        ("www.example-app.com", None, "address of example-app.com itself"),
        ("myshop.example-app.com.evil.com", None, "isn't on example-app.com"),
        ("community.example-app.com", None, "isn't on example-app.com"),
        ("10.0.0.1", None, "isn't on example-app.com"),
        ("my_shop", None, "only letters, numbers and hyphens"),
        ("-shop", None, "only letters, numbers and hyphens"),
    ],
)
def test_typed_subdomain_takes_a_bare_word_or_a_pasted_address(typed, subdomain, problem):
    from services.accounts.subdomain_finder import typed_subdomain

    found, message = typed_subdomain(typed, "example-app.com", "community.example-app.com")
    assert found == subdomain
    assert (message is None) if problem is None else (problem in message)
