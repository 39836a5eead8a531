"""The JSON API described for programs: OpenAPI 3.0, served at ``/api/openapi.json``.

Written here rather than generated from the views, because a description is a promise:
the response schemas say what clients may rely on (``docs/api.md`` in prose), and
``tests/test_api_schema.py`` holds the app to them with Schemathesis, which also sends
the API every kind of malformed input the schemas allow it to imagine (no 5xx, every
answer as described). The search parameters come from the one table that defines them
(:data:`search.searching.PARAMS`), so a parameter added there is described here too.
"""

from __future__ import annotations

from typing import Any

from search.searching import MAX_QUERY_CHARS, NOTICE_CODES, PARAMS
from web.errors import CODES

_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": "string", "nullable": True}
_DATE = {"type": "string", "format": "date", "nullable": True}
_COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}

ERROR = {
    "type": "object",
    "required": ["error", "code", "status"],
    "properties": {
        "error": {**_STRING, "description": "for people; its wording may change"},
        "code": {"type": "string", "enum": sorted({*CODES.values(), "invalid_parameter"})},
        "status": {"type": "integer"},
    },
    "additionalProperties": False,
}

_HIT_PROPERTIES: dict[str, Any] = {
    "id": _STRING,
    "title": {**_STRING, "description": "escaped HTML, the query's words in <mark>"},
    "title_text": _STRING,
    "date": _DATE,
    "sources": {"type": "array", "items": _STRING},
    "url": _NULLABLE_STRING,
    "category": _NULLABLE_STRING,
    "score": {"type": "number"},
    "snippet": {**_STRING, "description": "escaped HTML, the query's words in <mark>"},
    "versions": {
        "type": "array",
        "description": "the story's other matching versions, oldest first (group=on)",
        "items": {
            "type": "object",
            "required": ["id", "title", "date", "sources"],
            "properties": {
                "id": _STRING,
                "title": _STRING,
                "date": _DATE,
                "sources": {"type": "array", "items": _STRING},
            },
            "additionalProperties": False,
        },
    },
}
HIT = {
    "type": "object",
    "required": list(_HIT_PROPERTIES),  # every key is always there (null if unknown)
    "properties": _HIT_PROPERTIES,
    "additionalProperties": False,
}


#: Filters whose values the response gives parsed, not as sent.
_PARSED = {"year": {"type": "integer"}}


def _filters() -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for param in PARAMS:
        if param.json is None:
            continue
        if param.bound:
            properties[param.json] = _DATE
        else:
            properties[param.json] = {"type": "array", "items": _PARSED.get(param.name, _STRING)}
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


def _search_response() -> dict[str, Any]:
    facets = [param.facet for param in PARAMS if param.facet]
    return {
        "type": "object",
        "required": [
            "query",
            "total",
            "complete",
            "variants",
            "stories",
            "page",
            "per_page",
            "pages",
            "sort",
            "mode",
            "filters",
            "hits",
            "facets",
            "suggestion",
            "corrected",
            "warnings",
            "notices",
            "relaxed",
        ],
        "properties": {
            "query": _STRING,
            "total": {"type": "integer", "minimum": 0},
            "complete": {
                "type": "integer",
                "nullable": True,
                "minimum": 0,
                "description": "of total, the matches with every word (three quarters of a"
                " long query's), which come first; null for a search without words",
            },
            "variants": {
                "type": "array",
                "description": "other spellings searched beside a typed word (learned from"
                " the archive or set by its editor), scored a little below it",
                "items": {
                    "type": "object",
                    "required": ["word", "also"],
                    "properties": {
                        "word": _STRING,
                        "also": {"type": "array", "items": _STRING},
                    },
                    "additionalProperties": False,
                },
            },
            "stories": {
                "type": "integer",
                "nullable": True,
                "minimum": 0,
                "description": "with group=on, how many stories the matches make; pages count them",
            },
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "sort": {"type": "string", "enum": ["relevance", "newest", "oldest"]},
            "mode": {"type": "string", "enum": ["stemmed", "exact"]},
            "filters": _filters(),
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "facets": {
                "type": "object",
                "required": facets,
                "properties": {facet: _COUNTS for facet in facets},
                "additionalProperties": False,
            },
            "suggestion": _NULLABLE_STRING,
            "corrected": {
                **_NULLABLE_STRING,
                "description": "the query whose results these are, when what was typed"
                " was corrected (spell=on)",
            },
            "warnings": {"type": "array", "items": _STRING},
            "notices": {"type": "array", "items": NOTICE},
            "relaxed": {"type": "boolean"},
            # Only in ``python -m search query --timeline --json``'s object.
            "timeline": {"$ref": "#/components/schemas/Timeline"},
        },
        "additionalProperties": False,
    }


#: A part of the query that was not used, as a stable code, its English sentence and
#: the values it names (``max``, ``value``, ``name``).
NOTICE = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "enum": sorted(NOTICE_CODES)},
        "message": _STRING,
        "max": {"type": "integer"},
        "value": _STRING,
        "name": _STRING,
        "known": _STRING,
    },
    "additionalProperties": False,
}

_DOCUMENT_PROPERTIES: dict[str, Any] = {
    "id": _STRING,
    "title": _STRING,
    "title_text": _STRING,
    "body_html": _STRING,
    "furniture_html": {
        "type": "array",
        "items": _STRING,
        "description": "lines of the page around the article (date and source lines, "
        "captions), shown apart from body_html",
    },
    "body": _STRING,
    "date": _DATE,
    "date_source": _NULLABLE_STRING,
    "sources": {"type": "array", "items": _STRING},
    "source_rules": {"type": "object", "additionalProperties": _STRING},
    "url": _NULLABLE_STRING,
    "category": _NULLABLE_STRING,
    "origin": {**_STRING, "description": "relative to the corpus folder"},
    "author": {**_NULLABLE_STRING, "description": "the byline a saved page's markup gives"},
}
DOCUMENT = {
    "type": "object",
    "required": list(_DOCUMENT_PROPERTIES),  # every key is always there (null if unknown)
    "properties": _DOCUMENT_PROPERTIES,
    "additionalProperties": False,
}

STATS = {
    "type": "object",
    "required": ["documents", "date_min", "date_max", "sources", "size_bytes", "generation"],
    "properties": {
        "documents": {"type": "integer", "minimum": 0},
        "date_min": _DATE,
        "date_max": _DATE,
        "sources": _COUNTS,
        "size_bytes": {"type": "integer", "minimum": 0},
        "generation": _NULLABLE_STRING,
    },
    "additionalProperties": False,
}


_BUCKET = {
    "type": "object",
    "required": ["period", "start", "end", "count"],
    "properties": {
        "period": {
            **_STRING,
            "description": "2023-08-16, 2023-W33, 2023-08 or 2023 (Hijri: 1445-02, 1445)",
        },
        "start": {"type": "string", "format": "date"},
        "end": {"type": "string", "format": "date", "description": "inclusive"},
        "count": {"type": "integer", "minimum": 0},
    },
    "additionalProperties": False,
}
TIMELINE = {
    "type": "object",
    "required": ["interval", "calendar", "undated", "buckets"],
    "properties": {
        "interval": {"type": "string", "enum": ["day", "week", "month", "year"]},
        "calendar": {"type": "string", "enum": ["gregorian", "hijri"]},
        "undated": {"type": "integer", "minimum": 0},
        "buckets": {"type": "array", "items": _BUCKET, "description": "oldest first"},
    },
    "additionalProperties": False,
}


def _timeline_response() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["query", "total", "filters", "relaxed", "timeline"],
        "properties": {
            "query": _STRING,
            "total": {"type": "integer", "minimum": 0},
            "filters": _filters(),
            "relaxed": {"type": "boolean"},
            "timeline": {"$ref": "#/components/schemas/Timeline"},
        },
        "additionalProperties": False,
    }


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    """The errors every endpoint may answer, plus ``statuses``; all of them JSON."""
    common = {400, 404, 405, 413, 414, 429, 431, 500, 503}
    return {
        str(status): {"$ref": f"#/components/responses/Error{status}"}
        for status in sorted(common | set(statuses))
    }


def _query_parameters() -> list[dict[str, Any]]:
    parameters = []
    for param in PARAMS:
        schema: dict[str, Any] = {**param.schema}
        if param.name == "q":
            schema["maxLength"] = 4 * MAX_QUERY_CHARS  # longer fits no URL: use POST
        if param.repeatable:
            schema = {"type": "array", "items": schema}
        parameters.append(
            {
                "name": param.name,
                "in": "query",
                "required": False,
                "description": param.help,
                "schema": schema,
                **({"style": "form", "explode": True} if param.repeatable else {}),
            }
        )
    return parameters


def _body_schema() -> dict[str, Any]:
    properties = {}
    for param in PARAMS:
        schema = {**param.schema}
        properties[param.name] = (
            {"oneOf": [schema, {"type": "array", "items": schema}]} if param.repeatable else schema
        )
    return {"type": "object", "properties": properties, "additionalProperties": False}


def description() -> dict[str, Any]:
    """The OpenAPI document (a fresh dict: callers may change it)."""
    search_responses = {
        "200": _json({"$ref": "#/components/schemas/SearchResponse"}, "results"),
        **_errors(),
    }
    timeline_responses = {
        "200": _json({"$ref": "#/components/schemas/TimelineResponse"}, "counts per period"),
        **_errors(),
    }
    document = {
        "get": {
            "summary": "One article",
            "responses": {
                "200": _json({"$ref": "#/components/schemas/Document"}, "the article"),
                **_errors(),
            },
        }
    }
    highlight = {
        "name": "q",
        "in": "query",
        "required": False,
        "description": "mark this query's words in title and body_html",
        "schema": {"type": "string", "maxLength": 4 * MAX_QUERY_CHARS},
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Naba: search Arabic news",
            "version": "1",
            "description": "Read-only JSON API of the Naba search engine (docs/api.md).",
            "license": {"name": "GPL-3.0-or-later"},
        },
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Search",
                    "parameters": _query_parameters(),
                    "responses": search_responses,
                },
                "post": {
                    "summary": "Search, with the parameters in the body (long queries)",
                    "requestBody": {
                        "required": False,
                        "content": {
                            "application/json": {"schema": _body_schema()},
                            "application/x-www-form-urlencoded": {"schema": _body_schema()},
                        },
                    },
                    "responses": search_responses,
                },
            },
            "/api/timeline": {
                "get": {
                    "summary": "A search's matches per day, week, month or year",
                    "parameters": _query_parameters(),
                    "responses": timeline_responses,
                },
                "post": {
                    "summary": "The same, with the parameters in the body (long queries)",
                    "requestBody": {
                        "required": False,
                        "content": {
                            "application/json": {"schema": _body_schema()},
                            "application/x-www-form-urlencoded": {"schema": _body_schema()},
                        },
                    },
                    "responses": timeline_responses,
                },
            },
            "/api/doc/{id}": {
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "minLength": 1},
                    },
                    highlight,
                ],
                **document,
            },
            "/api/doc": {
                "parameters": [
                    {"name": "id", "in": "query", "required": True, "schema": _STRING},
                    highlight,
                ],
                **document,
            },
            "/api/suggest": {
                "get": {
                    "summary": "Completions of the last word typed",
                    "parameters": [
                        {"name": "q", "in": "query", "required": False, "schema": _STRING},
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 20},
                        },
                        {
                            "name": "format",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": ["json", "opensearch"]},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "completions",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["query", "suggestions"],
                                        "properties": {
                                            "query": _STRING,
                                            "suggestions": {"type": "array", "items": _STRING},
                                        },
                                        "additionalProperties": False,
                                    }
                                },
                                "application/x-suggestions+json": {
                                    "schema": {
                                        "type": "array",
                                        "minItems": 2,
                                        "maxItems": 2,
                                        "items": {},
                                    }
                                },
                            },
                        },
                        **_errors(),
                    },
                }
            },
            "/api/stats": {
                "get": {
                    "summary": "Size and coverage of the index",
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/Stats"}, "the index"),
                        **_errors(),
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This description",
                    "responses": {"200": _json({"type": "object"}, "OpenAPI 3.0"), **_errors()},
                }
            },
        },
        "components": {
            "schemas": {
                "Error": ERROR,
                "Hit": HIT,
                "SearchResponse": _search_response(),
                "Timeline": TIMELINE,
                "TimelineResponse": _timeline_response(),
                "Document": DOCUMENT,
                "Stats": STATS,
            },
            "responses": {
                f"Error{status}": _json({"$ref": "#/components/schemas/Error"}, code)
                for status, code in sorted(CODES.items())
            },
        },
    }
