"""The parameter table is the one description every surface reads: the URL and JSON
API, the web app's links, the command line, the query syntax and the API document."""

from __future__ import annotations

import re

import pytest

from search.cli import build_parser
from search.params import BY_NAME, FACETS, OPERATORS, PARAMS, InvalidRequest, parse_values
from search.query import parse_query
from search.request import SearchRequest
from tests.support import ROOT
from web.params import REPEATABLE, SEARCH_KEYS


def test_every_parameter_is_documented_in_the_api_document() -> None:
    text = (ROOT / "docs" / "api.md").read_text("utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)`(?:, `([a-z_]+)`)? \|", text, re.M))
    names = {name for pair in documented for name in pair if name}
    assert {p.name for p in PARAMS} <= names


def test_the_command_line_offers_every_option_of_the_table() -> None:
    parser = build_parser()
    query = parser._subparsers._group_actions[0].choices["query"]  # type: ignore[union-attr]
    flags = {flag for action in query._actions for flag in action.option_strings}
    assert {p.cli for p in PARAMS if p.cli} <= flags
    args = parser.parse_args(["query", "x", "--category", "صحة", "--category", "مناخ"])
    assert args.param_category == ["صحة", "مناخ"]


def test_the_web_app_reads_the_same_keys() -> None:
    assert tuple(p.name for p in PARAMS) == SEARCH_KEYS
    assert frozenset(p.name for p in PARAMS if p.repeatable) == REPEATABLE


@pytest.mark.parametrize("operator", sorted(OPERATORS))
def test_every_operator_sets_its_parameter(operator: str) -> None:
    param = OPERATORS[operator]
    value = {"year": "2023", "source": "رويترز", "from": "1444-09"}.get(param.name, "صحة")
    parsed = parse_query(f"كوريا {operator}:{value}")
    assert parsed.typed.get(param.name), parsed.typed
    assert [c.alternatives[0].text for c in parsed.query.groups] == ["كوريا"]


def test_a_facet_parameter_in_the_request_and_in_the_query_narrow_alike() -> None:
    for param in FACETS:
        if not param.operators:
            continue
        value = "2023" if param.name == "year" else "صحة"
        request = SearchRequest.from_params({"q": "", param.name: value})
        typed = parse_query(f"{param.operators[-1]}:{value}")
        assert request.engine_filters(parse_query("")) == SearchRequest().engine_filters(typed)


def test_bad_values_are_refused_with_the_parameter_named() -> None:
    for name, bad in (("year", "20x3"), ("month", "2023-13"), ("from", "yesterday"), ("page", "x")):
        with pytest.raises(InvalidRequest, match=name):
            parse_values(name, [bad])
    assert BY_NAME["per_page"].default == 10
