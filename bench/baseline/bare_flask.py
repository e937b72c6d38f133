"""The baseline of `make bench`: a bare Flask hello-world, served like Lobby."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "ok"
