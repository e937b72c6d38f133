"""The WSGI entry point: `gunicorn -c gunicorn.conf.py wsgi:app` (see `make serve`)."""

from app import create_app

app = create_app()
