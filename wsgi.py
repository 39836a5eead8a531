"""The WSGI entry point: ``flask --app wsgi run --debug`` in development, gunicorn
(``python -m web``) in production. Configuration comes from the environment, read and
checked by :mod:`search.settings`.

A bad variable is one ``error:`` line on stderr, not a traceback. The exit status is 4,
gunicorn's "App failed to load": served as ``gunicorn wsgi:app``, its master then stops
instead of starting a new worker, which would fail the same way, for ever.
"""

import sys

from search.settings import Settings
from web import check_origins, create_app

try:
    settings = Settings.from_env()
    check_origins(settings)
except ValueError as error:  # SettingsError, or an origin web.security refuses
    print(f"error: {error}", file=sys.stderr)
    raise SystemExit(4) from None

app = create_app(settings=settings)
