import pytest

from services.mail.address_limits import allow_email_to


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_PER_ADDRESS="3 per hour;5 per day")
def test_per_address_limit_allows_three_an_hour(app):
    with app.test_request_context():
        assert [allow_email_to("Ana@Shop.example") for _ in range(4)] == [True, True, True, False]
        # Letter case does not make a new address.
        assert allow_email_to("ana@shop.example") is False
        assert allow_email_to("ben@shop.example") is True


def test_no_limit_when_rate_limiting_is_off(app):
    with app.test_request_context():
        assert all(allow_email_to("ana@shop.example") for _ in range(10))
