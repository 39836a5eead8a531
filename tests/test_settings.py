"""Settings (search/settings.py): every variable parsed in one place, a bad one refused
in one line, and the entry points turning that line into exit status 2, not a traceback.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from search.settings import ROOT, Settings, SettingsError
from tests.support import run_cli

#: The modules that may still read the environment themselves.
READS_ENVIRONMENT = {"search/settings.py"}


def test_an_empty_environment_gives_the_defaults() -> None:
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.index == str(ROOT / "index")
    assert Path(settings.index).is_absolute()
    assert settings.corpus == (str(ROOT / "corpus"),)
    assert settings.cache_mb == 128
    assert settings.progress_seconds == 10.0
    assert settings.port == 8000
    assert settings.workers == 2
    assert settings.cors_origins == ("*",)
    assert settings.embed_origins == ("*",)
    assert settings.rate_limit == "120/minute"
    assert settings.suggest_rate_limit == "600/minute"


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        ("NABA_INDEX", "/srv/naba/index", "index", "/srv/naba/index"),
        ("NABA_INDEX", "relative/index", "index", "relative/index"),
        # A location, not a path: another engine's URL is passed on as it is.
        ("NABA_INDEX", "postgresql://naba@db/naba", "index", "postgresql://naba@db/naba"),
        ("NABA_CORPUS", f"a{os.pathsep}b{os.pathsep}", "corpus", ("a", "b")),
        ("NABA_CACHE_MB", "0", "cache_mb", 0),
        ("NABA_CACHE_MB", " 512 ", "cache_mb", 512),
        ("NABA_PROGRESS_SECONDS", "0", "progress_seconds", 0.0),
        ("NABA_PROGRESS_SECONDS", "2.5", "progress_seconds", 2.5),
        ("PORT", "5000", "port", 5000),
        ("PORT", "65535", "port", 65535),
        ("NABA_WORKERS", "8", "workers", 8),
        (
            "NABA_CORS_ORIGINS",
            "https://a.example, https://b.example",
            "cors_origins",
            ("https://a.example", "https://b.example"),
        ),
        ("NABA_CORS_ORIGINS", "", "cors_origins", ()),  # empty: no origin at all
        (
            "NABA_EMBED_ORIGINS",
            "https://a.example https://*.b.example",
            "embed_origins",
            ("https://a.example", "https://*.b.example"),
        ),
        ("NABA_RATE_LIMIT", "10/second;1000/day", "rate_limit", "10/second;1000/day"),
        ("NABA_SUGGEST_RATE_LIMIT", "30/second", "suggest_rate_limit", "30/second"),
        (
            "NABA_PUBLIC_URL",
            "https://news.example/naba/",
            "public_url",
            "https://news.example/naba",
        ),
        ("NABA_PUBLIC_URL", "http://127.0.0.1:8000", "public_url", "http://127.0.0.1:8000"),
        ("NABA_PROXIES", "1", "proxies", 1),
    ],
)
def test_each_variable_is_parsed(variable: str, value: str, field: str, expected: Any) -> None:
    assert getattr(Settings.from_env({variable: value}), field) == expected


@pytest.mark.parametrize("off", ["off", "OFF", "none", "0", "false", "no"])
def test_the_rate_limit_can_be_turned_off(off: str) -> None:
    settings = Settings.from_env({"NABA_RATE_LIMIT": off, "NABA_SUGGEST_RATE_LIMIT": "unused"})
    assert settings.rate_limit is None


@pytest.mark.parametrize(
    "variable",
    ["NABA_INDEX", "NABA_CORPUS", "NABA_CACHE_MB", "PORT", "NABA_WORKERS", "NABA_RATE_LIMIT"],
)
def test_a_blank_variable_is_an_unset_one(variable: str) -> None:
    assert Settings.from_env({variable: "  "}) == Settings()


def test_the_process_environment_is_read_when_none_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NABA_INDEX", "/srv/naba/index")
    monkeypatch.setenv("PORT", "5000")
    settings = Settings.from_env()
    assert (settings.index, settings.port) == ("/srv/naba/index", 5000)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PORT", "abc"),
        ("PORT", "0"),
        ("PORT", "65536"),
        ("NABA_WORKERS", "0"),
        ("NABA_WORKERS", "two"),
        ("NABA_CACHE_MB", "-1"),
        ("NABA_CACHE_MB", "abc"),
        ("NABA_CACHE_MB", "1.5"),
        ("NABA_RATE_LIMIT", "banana"),
        ("NABA_SUGGEST_RATE_LIMIT", "lots"),
        ("NABA_PROGRESS_SECONDS", "x"),
        ("NABA_PROGRESS_SECONDS", "-1"),
        ("NABA_PROGRESS_SECONDS", "nan"),
        ("PORT", "80\nTraceback"),  # a value cannot break the message over two lines
        ("NABA_PUBLIC_URL", "news.example"),
        ("NABA_PUBLIC_URL", "javascript:alert(1)"),
        ("NABA_PUBLIC_URL", "https://news.example/?q=1"),
        ("NABA_PROXIES", "-1"),
        ("NABA_PROXIES", "many"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable_and_the_value(
    variable: str, value: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({variable: value})
    message = str(raised.value)
    assert isinstance(raised.value, ValueError)
    assert "\n" not in message
    assert message.startswith(f"{variable} must be ")
    assert message.endswith(f", not {value.strip()!r}")


def test_the_example_message() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"NABA_CACHE_MB": "-5"})
    assert str(raised.value) == "NABA_CACHE_MB must be a whole number of megabytes ≥ 0, not '-5'"


def test_settings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        Settings().port = 1  # type: ignore[misc]


# --- the web app ---------------------------------------------------------------------------


def test_the_app_keeps_its_settings_and_test_config_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from web import create_app

    monkeypatch.setenv("NABA_EMBED_ORIGINS", "https://a.example")
    monkeypatch.setenv("NABA_RATE_LIMIT", "7/minute")
    app = create_app({"INDEX": str(tmp_path), "RATELIMIT_ENABLED": False})
    settings = app.config["SETTINGS"]
    assert isinstance(settings, Settings)
    assert settings.embed_origins == ("https://a.example",)
    assert app.config["EMBED_ORIGINS"] == ["https://a.example"]
    assert app.config["RATE_LIMIT"] == "7/minute"
    assert app.config["INDEX"] == str(tmp_path)  # test_config on top of the settings

    given = Settings(index=str(tmp_path), rate_limit=None)
    app = create_app(settings=given)
    assert app.config["SETTINGS"] is given
    assert app.config["RATE_LIMIT"] == "off"
    assert app.config["RATELIMIT_ENABLED"] is False


def test_a_bad_variable_stops_create_app(monkeypatch: pytest.MonkeyPatch) -> None:
    from web import create_app

    monkeypatch.setenv("NABA_RATE_LIMIT", "banana")
    with pytest.raises(SettingsError, match="NABA_RATE_LIMIT"):
        create_app({"RATELIMIT_ENABLED": False})


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = set()
    paths = [*sorted((ROOT / "search").rglob("*.py")), *sorted((ROOT / "web").rglob("*.py"))]
    for path in [*paths, ROOT / "wsgi.py"]:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
                and node.attr in {"environ", "environb", "getenv", "getenvb"}
            ) or (
                isinstance(node, ast.ImportFrom)
                and node.module == "os"
                and {alias.name for alias in node.names} & {"environ", "getenv"}
            ):
                readers.add(path.relative_to(ROOT).as_posix())
    assert "search/settings.py" in readers  # the scan does see a reader
    assert readers <= READS_ENVIRONMENT


# --- the entry points, as an operator runs them --------------------------------------------


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **env},
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def assert_one_line_error(stderr: str, variable: str) -> None:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"error: {variable} must be "), stderr


def test_python_m_web_with_a_bad_port_exits_2_before_gunicorn_starts() -> None:
    started = time.monotonic()
    result = run(["-m", "web"], PORT="abc")
    assert time.monotonic() - started < 20
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "PORT")
    assert "Booting worker" not in result.stdout + result.stderr


def test_python_m_web_refuses_a_malformed_rate_limit_once() -> None:
    result = run(["-m", "web"], NABA_RATE_LIMIT="banana")
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "NABA_RATE_LIMIT")


def test_python_m_search_with_a_negative_cache_exits_2() -> None:
    result = run_cli("stats", env={"NABA_CACHE_MB": "-3"})
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2
    assert_one_line_error(stderr, "NABA_CACHE_MB")
    assert result.stdout == b""


def test_wsgi_says_a_bad_value_in_one_line() -> None:
    # 4 is gunicorn's "App failed to load": `gunicorn wsgi:app` stops instead of
    # starting workers that fail the same way for ever.
    result = run(["-c", "import wsgi"], NABA_WORKERS="0")
    assert result.returncode == 4
    assert_one_line_error(result.stderr, "NABA_WORKERS")
