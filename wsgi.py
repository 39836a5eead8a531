"""The WSGI entry point: ``flask --app wsgi run --debug`` in development, gunicorn
(``python -m web``) in production. Configuration comes from the environment
(see ``web.settings_from_env``)."""

from web import create_app

app = create_app()
