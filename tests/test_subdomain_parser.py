"""subdomain_from_text: what people paste, and what only looks like ours."""

import pytest

from services.subdomains import SubdomainOutcome, problem_message, subdomain_from_text

FOUND = SubdomainOutcome.FOUND
EMPTY = SubdomainOutcome.EMPTY
NO_SUB = SubdomainOutcome.NO_SUBDOMAIN
OTHER = SubdomainOutcome.OTHER_DOMAIN
INVALID = SubdomainOutcome.INVALID
DOMAIN = "example-app.com"


@pytest.mark.parametrize(
    "text, outcome, subdomain",
    [
        # What people mean to give us.
        ("myshop", FOUND, "myshop"),
        ("MyShop", FOUND, "myshop"),
        ("  myshop  ", FOUND, "myshop"),
        ("myshop.example-app.com", FOUND, "myshop"),
        ("MYSHOP.EXAMPLE-APP.COM", FOUND, "myshop"),
        ("https://myshop.example-app.com", FOUND, "myshop"),
        ("http://myshop.example-app.com/", FOUND, "myshop"),
        ("https://MyShop.Example-App.com/admin/settings?tab=billing#plan", FOUND, "myshop"),
        ("myshop.example-app.com/admin", FOUND, "myshop"),
        ("myshop.example-app.com?ref=mail", FOUND, "myshop"),
        ("//myshop.example-app.com/x", FOUND, "myshop"),
        ("www.myshop.example-app.com", FOUND, "myshop"),
        ("https://www.myshop.example-app.com/login", FOUND, "myshop"),
        ("myshop.example-app.com.", FOUND, "myshop"),
        ("https://myshop.example-app.com.:443/", FOUND, "myshop"),
        ("myshop.example-app.com:8443/admin", FOUND, "myshop"),
        ("https://ana:secret@myshop.example-app.com/", FOUND, "myshop"),
        ("evil.com@myshop.example-app.com", FOUND, "myshop"),  # a browser goes to myshop
        ("my-shop-2", FOUND, "my-shop-2"),
        ("https://Bücher.example-app.com/", FOUND, "xn--bcher-kva"),
        ("xn--bcher-kva.example-app.com", FOUND, "xn--bcher-kva"),
        ("myshop。example-app。com", FOUND, "myshop"),  # ideographic full stops
        ("myshop%2Eexample-app.com", FOUND, "myshop"),
        ("HTTPS://MYSHOP.EXAMPLE-APP.COM", FOUND, "myshop"),
        # Nothing there.
        ("", EMPTY, None),
        ("   ", EMPTY, None),
        (None, EMPTY, None),
        # The account domain itself.
        ("example-app.com", NO_SUB, None),
        ("https://www.example-app.com/pricing", NO_SUB, None),
        ("www", NO_SUB, None),
        # Hosts that only look like ours.
        ("myshop.example-app.com.evil.com", OTHER, None),
        ("https://myshop.example-app.com.evil.com/login", OTHER, None),
        ("evil.com/?x=myshop.example-app.com", OTHER, None),
        ("evil.com/myshop.example-app.com", OTHER, None),
        ("evil.com#myshop.example-app.com", OTHER, None),
        ("https://myshop.example-app.com@evil.com/", OTHER, None),
        ("https://evil.com\\@myshop.example-app.com", OTHER, None),  # backslash is a slash
        ("myshopexample-app.com", OTHER, None),
        ("myshop.example-app.co", OTHER, None),
        ("example-app.com.evil.com", OTHER, None),
        ("myshop.example-app.com%2Eevil.com", OTHER, None),
        ("ana@gmail.com", OTHER, None),
        ("mystore.com", OTHER, None),
        # IP addresses are never an account.
        ("http://192.168.1.10/", OTHER, None),
        ("127.1", OTHER, None),
        ("[::1]:8080", OTHER, None),
        ("2001:db8::1", OTHER, None),
        # Not a subdomain at all.
        ("my_shop", INVALID, None),
        ("-myshop", INVALID, None),
        ("myshop-", INVALID, None),
        ("my shop", INVALID, None),
        ("a" * 64, INVALID, None),
        ("shop.eu.example-app.com", INVALID, None),
        ("myshop..example-app.com", INVALID, None),
        ("javascript:alert(1)", INVALID, None),
        ("myshop.example-app.com:abc", INVALID, None),
    ],
)
def test_subdomain_from_text(text, outcome, subdomain):
    result = subdomain_from_text(text, DOMAIN)
    assert (result.outcome, result.subdomain) == (outcome, subdomain)
    assert result.found is (outcome is FOUND)


def test_the_account_domain_may_be_given_in_any_case_and_with_a_trailing_dot():
    assert subdomain_from_text("myshop.example-app.com", "Example-App.COM.").subdomain == "myshop"


def test_an_idn_account_domain():
    result = subdomain_from_text("https://myshop.bücher.example/", "bücher.example")
    assert result.subdomain == "myshop"


def test_very_long_input_is_cut_not_crashed_on():
    result = subdomain_from_text("myshop." + "x" * 100_000, DOMAIN)
    assert result.outcome in (OTHER, INVALID)


@pytest.mark.parametrize("outcome", [NO_SUB, OTHER, INVALID])
def test_every_problem_has_a_message(outcome):
    text = {NO_SUB: "example-app.com", OTHER: "evil.com", INVALID: "my_shop"}[outcome]
    message = problem_message(subdomain_from_text(text, DOMAIN), DOMAIN)
    assert message and "example-app.com" in message


def test_found_and_empty_have_no_problem_message():
    assert problem_message(subdomain_from_text("myshop", DOMAIN), DOMAIN) is None
    assert problem_message(subdomain_from_text("", DOMAIN), DOMAIN) is None
