"""web/request_guard.py: its shortcut for plain GETs cannot be taken by a POST in disguise."""

import pytest


@pytest.mark.parametrize("method", ["POST", "post", "Post"])
def test_a_body_with_a_nul_is_refused_however_the_method_is_spelled(client, method):
    # Werkzeug reads the method upper-cased, so a lower-case "post" reaches the view.
    response = client.post("/join", data={"name": "Ana\x00"},
                           environ_overrides={"REQUEST_METHOD": method})
    assert response.status_code == 400
    assert "contains characters we can" in response.get_data(as_text=True)


def test_a_plain_get_passes_and_a_nul_in_its_path_does_not(client):
    assert client.get("/join").status_code == 200
    assert client.get("/join%00").status_code == 400
