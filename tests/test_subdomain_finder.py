"""The subdomain finder's rules, as a table (static/js/subdomain.js follows the same table)."""

import pytest

from services.accounts.subdomain_finder import MESSAGES, OUTCOMES, find_subdomain, host_of

DOMAIN = "example-app.com"
COMMUNITY = "community.example-app.com"

# (pasted text, outcome, subdomain, host)
CASES = [
    # Ordinary addresses, in all the shapes people paste them.
    ("https://myshop.example-app.com", "found", "myshop", "myshop.example-app.com"),
    ("http://myshop.example-app.com/", "found", "myshop", "myshop.example-app.com"),
    ("myshop.example-app.com", "found", "myshop", "myshop.example-app.com"),
    ("MyShop.Example-App.COM", "found", "myshop", "myshop.example-app.com"),
    ("HTTPS://MYSHOP.EXAMPLE-APP.COM/ADMIN", "found", "myshop", "myshop.example-app.com"),
    ("  https://myshop.example-app.com/admin/orders?page=2#top  ", "found", "myshop",
     "myshop.example-app.com"),
    ("https://www.myshop.example-app.com/", "found", "myshop", "www.myshop.example-app.com"),
    ("myshop.example-app.com:8443/settings", "found", "myshop", "myshop.example-app.com"),
    ("https://myshop.example-app.com:443", "found", "myshop", "myshop.example-app.com"),
    ("https://myshop.example-app.com./", "found", "myshop", "myshop.example-app.com"),
    ("myshop.example-app.com..", "found", "myshop", "myshop.example-app.com"),
    ("//myshop.example-app.com/x", "found", "myshop", "myshop.example-app.com"),
    ("<https://my-shop-2.example-app.com/a>", "found", "my-shop-2", "my-shop-2.example-app.com"),
    ("\"https://myshop.example-app.com\"", "found", "myshop", "myshop.example-app.com"),
    ("https://admin.myshop.example-app.com/x", "found", "myshop",
     "admin.myshop.example-app.com"),
    ("https://ana:secret@myshop.example-app.com/", "found", "myshop", "myshop.example-app.com"),
    ("myshop.example-app.com?next=/orders", "found", "myshop", "myshop.example-app.com"),
    # Hostile: the account domain appears, but not as the host.
    ("evil.com/?x=myshop.example-app.com", "other_site", None, "evil.com"),
    ("https://evil.com/?x=myshop.example-app.com", "other_site", None, "evil.com"),
    ("myshop.example-app.com.evil.com", "other_site", None, "myshop.example-app.com.evil.com"),
    ("https://myshop.example-app.com@evil.com/", "other_site", None, "evil.com"),
    ("https://evil.com\\@myshop.example-app.com", "other_site", None, "evil.com"),
    ("https://evil.com#@myshop.example-app.com", "other_site", None, "evil.com"),
    ("https://myshopexample-app.com", "other_site", None, "myshopexample-app.com"),
    ("https://notexample-app.com", "other_site", None, "notexample-app.com"),
    ("https://shop.mycompany.co.uk/", "other_site", None, "shop.mycompany.co.uk"),
    # Not web addresses at all.
    ("javascript:alert(document.cookie)", "invalid", None, None),
    ("JavaScript://myshop.example-app.com/%0aalert(1)", "invalid", None, None),
    ("data:text/html,<b>myshop.example-app.com</b>", "invalid", None, None),
    ("mailto:ana@myshop.example-app.com", "invalid", None, None),
    ("ftp://myshop.example-app.com", "invalid", None, None),
    ("my shop", "invalid", None, None),
    ("https://", "invalid", None, None),
    ("https://my%73hop.example-app.com", "invalid", None, None),
    ("https://my_shop.example-app.com", "invalid", None, None),
    ("https://-myshop.example-app.com", "invalid", None, None),
    ("myshop.example-app.com:admin", "invalid", None, None),
    ("x" * 2001 + ".example-app.com", "invalid", None, None),
    ("", "empty", None, None),
    ("   ", "empty", None, None),
    # User-info without a scheme is an email address.
    ("a@b", "email", None, None),
    ("ana@myshop.example-app.com", "email", None, None),
    ("https://a@b", "incomplete", None, "b"),
    # Internationalised names: refused, not converted.
    ("https://bücher.example-app.com", "idn", None, "bücher.example-app.com"),
    ("https://xn--bcher-kva.example-app.com", "idn", None, "xn--bcher-kva.example-app.com"),
    # IP addresses.
    ("http://192.168.0.10/admin", "ip", None, "192.168.0.10"),
    ("127.0.0.1:5000", "ip", None, "127.0.0.1"),
    ("http://[::1]:8080/", "ip", None, "[::1]"),
    ("http://2130706433/", "ip", None, "2130706433"),
    # Our own sites.
    ("https://community.example-app.com/c/general", "community", None, COMMUNITY),
    ("https://example-app.com/pricing", "main_site", None, "example-app.com"),
    ("www.example-app.com", "main_site", None, "www.example-app.com"),
    ("https://myshop.www.example-app.com", "main_site", None, "myshop.www.example-app.com"),
    # Just a word.
    ("myshop", "incomplete", None, "myshop"),
    ("localhost:5000", "incomplete", None, "localhost"),
]


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
