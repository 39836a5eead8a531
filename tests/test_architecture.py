"""The seams of issue 12, checked on the code itself and on the engine factory.

* Whoosh stays inside ``search/engine/whoosh*.py``: nothing else imports ``whoosh`` or
  names ``WhooshEngine``/``WhooshIndex``, and nothing outside ``search/engine/`` imports
  the ``search.engine.whoosh_*`` modules (the ``search.engine`` package is the API).
* The layering: ``search`` never imports the web layer; the analysis, the corpus readers
  and the metadata extraction never import the engine, indexing or searching; the web
  layer uses the search layer only through its service modules.
* The factory: ``search.engine.open_index``/``create_index`` turn a location into an index.

The imports are read with :mod:`ast` from every ``.py`` file under ``search/``, ``web/``,
``evaluation/`` and ``wsgi.py``, including the imports made inside functions and under
``TYPE_CHECKING``; relative imports are resolved to the module they name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from search.corpus import read_corpus
from search.engine import IndexMissing, UnknownLocation, create_index, open_index
from tests.support import ROOT, build_index

CORPUS = ROOT / "corpus"
SCANNED_DIRS = ("search", "web", "evaluation")
WHOOSH_NAMES = frozenset({"WhooshEngine", "WhooshIndex"})

#: What the web layer may import from ``search``: the search service and its request
#: and response (``search.searching``), the settings, the parameter table and the
#: source names. ``search.cli`` is imported by ``flask reindex``
#: (``web/live_index.py``), which delegates to ``python -m search reindex`` so the two
#: commands cannot differ; it reaches the indexing through the CLI, never directly.
WEB_MAY_IMPORT = frozenset(
    {"search.searching", "search.settings", "search.params", "search.metadata", "search.cli"}
)
#: What no module of the web layer may import, whatever else changes.
WEB_MUST_NOT_IMPORT = ("search.engine", "search.indexing", "search.corpus")
#: What the lower layers of ``search`` may not import.
BELOW_THE_ENGINE = ("search.engine", "search.indexing", "search.searching")


# --- reading the imports ------------------------------------------------------------------


@dataclass
class Module:
    """One source file: its dotted name, what it imports and which Whoosh names it uses."""

    path: str  # relative to the repository root, with forward slashes
    name: str
    imports: set[str] = field(default_factory=set)
    whoosh_names: list[str] = field(default_factory=list)


def module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(dotted: str) -> bool:
    """Whether ``dotted`` is a module or package of this repository."""
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def resolve(module: str, level: int, importer: str, is_package: bool) -> str:
    """The absolute name of ``from <level dots><module> import …`` written in ``importer``."""
    if level == 0:
        return module
    package = importer.split(".") if is_package else importer.split(".")[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, module] if module else base)


def scan_source(source: str, path: str, name: str, is_package: bool = False) -> Module:
    """The imports (every module an ``import`` names, submodules included) and the uses of
    ``WhooshEngine``/``WhooshIndex`` in one file's source."""
    found = Module(path, name)
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.imports.add(alias.name)
                if alias.asname in WHOOSH_NAMES:
                    found.whoosh_names.append(f"import … as {alias.asname}")
        elif isinstance(node, ast.ImportFrom):
            base = resolve(node.module or "", node.level, name, is_package)
            found.imports.add(base)
            for alias in node.names:
                # ``from search.engine import whoosh_index`` imports a module too.
                if is_module(f"{base}.{alias.name}"):
                    found.imports.add(f"{base}.{alias.name}")
                for used in (alias.name, alias.asname):
                    if used in WHOOSH_NAMES:
                        found.whoosh_names.append(f"from {base} import {used}")
        elif isinstance(node, ast.Name) and node.id in WHOOSH_NAMES:
            found.whoosh_names.append(f"{node.id} (line {node.lineno})")
        elif isinstance(node, ast.Attribute) and node.attr in WHOOSH_NAMES:
            found.whoosh_names.append(f".{node.attr} (line {node.lineno})")
    return found


def source_files() -> list[Path]:
    files = [p for d in SCANNED_DIRS for p in sorted((ROOT / d).rglob("*.py"))]
    return [*files, ROOT / "wsgi.py"]


@pytest.fixture(scope="module")
def modules() -> dict[str, Module]:
    """Every scanned file by its path relative to the repository root."""
    scanned = {}
    for path in source_files():
        relative = path.relative_to(ROOT)
        scanned[relative.as_posix()] = scan_source(
            path.read_text(encoding="utf-8"),
            relative.as_posix(),
            module_name(relative),
            is_package=path.name == "__init__.py",
        )
    return scanned


def importing(modules: Iterable[Module], targets: Iterable[str]) -> list[str]:
    """``path: module`` for every import of one of ``targets`` (a package or a submodule)."""
    targets = tuple(targets)
    return sorted(
        f"{m.path}: {imported}"
        for m in modules
        for imported in m.imports
        if any(imported == t or imported.startswith(f"{t}.") for t in targets)
    )


def under(modules: dict[str, Module], *folders: str) -> list[Module]:
    return [m for path, m in modules.items() if path.startswith(folders)]


def is_whoosh_module(path: str) -> bool:
    """``search/engine/whoosh*.py``: where the Whoosh engine lives."""
    return path.startswith("search/engine/whoosh") and "/" not in path[len("search/engine/") :]


def imports_whoosh(module: Module) -> list[str]:
    return sorted(i for i in module.imports if i == "whoosh" or i.startswith("whoosh."))


# --- the scan sees what it must see ------------------------------------------------------


def test_the_scan_covers_every_layer(modules: dict[str, Module]) -> None:
    for expected in (
        "wsgi.py",
        "search/engine/whoosh_engine.py",
        "search/engine/__init__.py",
        "search/searching.py",
        "search/indexing/__init__.py",
        "web/views/api.py",
        "evaluation/systems.py",
    ):
        assert expected in modules, f"{expected} was not scanned"
    assert len(under(modules, "search/")) > 40
    assert under(modules, "web/") and under(modules, "evaluation/")


def test_the_scan_finds_whoosh_where_it_is(modules: dict[str, Module]) -> None:
    engine = modules["search/engine/whoosh_engine.py"]
    # ``from whoosh import index`` and ``from whoosh.fields import TEXT``.
    assert {"whoosh", "whoosh.fields"} <= set(imports_whoosh(engine)), imports_whoosh(engine)
    assert "whoosh.codec.whoosh3" in modules["search/engine/whoosh_reading.py"].imports
    assert any(
        "WhooshEngine" in used for used in modules["search/engine/whoosh_index.py"].whoosh_names
    )
    # Relative imports are resolved: whoosh_index imports its siblings by name.
    assert {"search.engine.whoosh_engine", "search.engine.whoosh_store"} <= modules[
        "search/engine/whoosh_index.py"
    ].imports


def test_the_scan_reads_imports_inside_functions(modules: dict[str, Module]) -> None:
    # ``flask reindex`` imports the CLI only when it runs.
    assert "search.cli" in modules["web/live_index.py"].imports
    assert "search.searching" in modules["web/views/api.py"].imports


def test_the_scan_flags_every_form_of_a_violation() -> None:
    source = (
        "import whoosh\n"
        "import whoosh.index as wi\n"
        "from whoosh.fields import TEXT\n"
        "from search.engine.whoosh_index import WhooshIndex\n"
        "from search.engine import whoosh_store\n"
        "def f(engine):\n"
        "    from search.engine import WhooshEngine as E\n"
        "    return engine.WhooshEngine, WhooshIndex\n"
    )
    found = scan_source(source, "web/bad.py", "web.bad")
    assert imports_whoosh(found) == ["whoosh", "whoosh.fields", "whoosh.index"]
    assert {"search.engine.whoosh_index", "search.engine.whoosh_store"} <= found.imports
    assert len(found.whoosh_names) == 4, found.whoosh_names
    assert importing([found], ["search.engine"]) == [
        "web/bad.py: search.engine",
        "web/bad.py: search.engine.whoosh_index",
        "web/bad.py: search.engine.whoosh_store",
    ]


def test_relative_imports_resolve_to_the_module_they_name() -> None:
    assert resolve("base", 1, "search.engine", is_package=True) == "search.engine.base"
    assert resolve("base", 1, "search.engine.whoosh_index", is_package=False) == (
        "search.engine.base"
    )
    assert resolve("", 1, "search.engine.whoosh_index", is_package=False) == "search.engine"
    assert resolve("carryover", 1, "search.indexing", is_package=True) == (
        "search.indexing.carryover"
    )
    assert resolve("document", 2, "search.engine.base", is_package=False) == "search.document"


# --- Whoosh stays inside the engine -----------------------------------------------------


def test_only_the_whoosh_engine_imports_whoosh(modules: dict[str, Module]) -> None:
    offenders = [
        f"{path}: {imported}"
        for path, module in modules.items()
        if not is_whoosh_module(path)
        for imported in imports_whoosh(module)
    ]
    assert not offenders, "Whoosh imported outside search/engine/whoosh*.py:\n" + "\n".join(
        offenders
    )


def test_only_the_whoosh_engine_names_its_classes(modules: dict[str, Module]) -> None:
    offenders = [
        f"{path}: {used}"
        for path, module in modules.items()
        if not is_whoosh_module(path)
        for used in module.whoosh_names
    ]
    assert not offenders, (
        "WhooshEngine/WhooshIndex named outside search/engine/whoosh*.py:\n" + "\n".join(offenders)
    )


def test_the_whoosh_modules_are_reached_only_through_the_engine_package(
    modules: dict[str, Module],
) -> None:
    whoosh_modules = sorted(
        module_name(p.relative_to(ROOT)) for p in (ROOT / "search/engine").glob("whoosh*.py")
    )
    assert "search.engine.whoosh_engine" in whoosh_modules
    outside = [m for path, m in modules.items() if not path.startswith("search/engine/")]
    offenders = importing(outside, whoosh_modules)
    assert not offenders, "use the search.engine package API instead of:\n" + "\n".join(offenders)


# --- the layering ---------------------------------------------------------------------


def test_search_never_imports_the_web_layer(modules: dict[str, Module]) -> None:
    offenders = importing(under(modules, "search/"), ["web", "flask", "flask_limiter", "werkzeug"])
    assert not offenders, "\n".join(offenders)


def test_the_analysis_knows_no_engine(modules: dict[str, Module]) -> None:
    analysis = under(modules, "search/analysis/")
    assert len(analysis) >= 4
    offenders = importing(analysis, BELOW_THE_ENGINE)
    assert not offenders, "\n".join(offenders)


def test_corpus_readers_and_metadata_know_no_engine(modules: dict[str, Module]) -> None:
    lower = under(modules, "search/corpus/", "search/metadata/")
    assert {"search/corpus/files.py", "search/metadata/sources.py"} <= {m.path for m in lower}
    offenders = importing(lower, BELOW_THE_ENGINE)
    assert not offenders, "\n".join(offenders)


def test_the_web_layer_uses_only_the_search_service(modules: dict[str, Module]) -> None:
    web = [*under(modules, "web/"), modules["wsgi.py"]]
    from_search = {
        imported
        for m in web
        for imported in m.imports
        if imported == "search" or imported.startswith("search.")
    }
    assert "search.searching" in from_search  # the scan saw the web layer's imports
    assert from_search <= WEB_MAY_IMPORT, (
        f"web/ imports {sorted(from_search - WEB_MAY_IMPORT)} from search"
    )
    offenders = importing(web, WEB_MUST_NOT_IMPORT)
    assert not offenders, "\n".join(offenders)


# --- the factory ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("architecture") / "index", CORPUS)


def test_open_index_without_an_index_raises_index_missing(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for location in (empty, str(empty), tmp_path / "not-there"):
        with pytest.raises(IndexMissing):
            open_index(location)


def test_an_unknown_scheme_is_refused_with_its_name() -> None:
    for opener in (create_index, open_index):
        with pytest.raises(UnknownLocation, match="elasticsearch://") as raised:
            opener("elasticsearch://x/y")
        assert "postgresql://" in str(raised.value)  # the engines there are
    assert issubclass(UnknownLocation, ValueError)


def test_a_folder_opens_as_an_index_as_str_and_as_path(demo_index: Path) -> None:
    expected = sum(1 for _ in read_corpus([CORPUS]))
    assert expected == 57  # the demo corpus (corpus/README.md)
    for location in (demo_index, str(demo_index)):
        index = open_index(location)
        try:
            assert index.exists()
            assert index.reader().stats().documents == expected
            assert index.location == str(demo_index)
        finally:
            index.close()


def test_create_index_on_an_empty_folder_is_an_index_to_build(tmp_path: Path) -> None:
    index = create_index(tmp_path / "new")
    assert not index.exists()
    assert index.generation() is None
    with pytest.raises(IndexMissing):
        index.reader()
