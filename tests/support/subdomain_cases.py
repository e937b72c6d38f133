"""The subdomain finder's table of cases, shared by its unit test and the guide's browser test."""

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
