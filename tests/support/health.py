"""Read the health detail the way a monitor does: GET /healthz/detail with HEALTH_TOKEN."""

HEALTH_TOKEN = "monitor-token-for-the-tests"


def health_detail(app, client):
    """The JSON of /healthz/detail (HEALTH_TOKEN is set on the app for it)."""
    app.config["HEALTH_TOKEN"] = HEALTH_TOKEN
    response = client.get("/healthz/detail", headers={"Authorization": f"Bearer {HEALTH_TOKEN}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()
