"""``python -m search …``: the command line, the product's contract."""

from search.cli import main

raise SystemExit(main())
