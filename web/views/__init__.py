"""The app's blueprints, one per area: ``pages`` (what people read), ``api`` (JSON twins
of the pages, for programs) and ``embed`` (the widget other sites frame)."""
