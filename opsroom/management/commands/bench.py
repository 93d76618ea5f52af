"""``manage.py bench NAME [options]``: run one benchmark that an app registered; ``--list`` names them.

An app registers benchmarks without importing opsroom: its optional ``benchmarks.py`` module
exposes ``BENCHMARKS = {"name": BenchmarkClass}``, found over INSTALLED_APPS the way the admin
finds ``admin.py``. A benchmark class has the shape of ``Benchmark`` below; it reports progress
through ``say`` and returns its figures, which this command prints last as ``RESULT key=value ...``.
"""

from __future__ import annotations

import re
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any, Protocol

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import module_has_submodule

MODULE_NAME = "benchmarks"
_KEY = re.compile(r"[a-z][a-z0-9_]*")


class Benchmark(Protocol):
    help: str

    def add_arguments(self, parser: ArgumentParser) -> None: ...

    def run(self, options: dict[str, Any], say: Callable[[str], None]) -> Mapping[str, float | int | str]: ...


def discover() -> dict[str, type[Benchmark]]:
    """Every app's BENCHMARKS, by name; two apps claiming one name is a configuration error."""
    found: dict[str, type[Benchmark]] = {}
    owners: dict[str, str] = {}
    for app_config in apps.get_app_configs():
        if not module_has_submodule(app_config.module, MODULE_NAME):
            continue
        module = import_module(f"{app_config.name}.{MODULE_NAME}")
        for name, benchmark in getattr(module, "BENCHMARKS", {}).items():
            if name in found:
                raise ImproperlyConfigured(
                    f"Benchmark {name!r} is registered by both {owners[name]} and {app_config.name}"
                )
            found[name] = benchmark
            owners[name] = app_config.name
    return found


def result_line(figures: Mapping[str, float | int | str]) -> str:
    parts = []
    for key, value in figures.items():
        if not _KEY.fullmatch(key):
            raise CommandError(f"Benchmark result key {key!r} must be lower_snake_case")
        text = f"{value:.2f}" if isinstance(value, float) else str(value)
        if not text or any(char.isspace() for char in text):
            raise CommandError(f"Benchmark result {key}={text!r} must be one word")
        parts.append(f"{key}={text}")
    return "RESULT " + " ".join(parts)


class Command(BaseCommand):
    help = "Run a benchmark registered by an app's benchmarks.py (see --list)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="List the registered benchmarks and stop.")
        names = parser.add_subparsers(dest="benchmark", metavar="NAME", title="benchmarks")
        for name, benchmark in sorted(discover().items()):
            sub = names.add_parser(name, help=benchmark.help, description=benchmark.help)
            benchmark().add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        registry = discover()
        if options["list"]:
            width = max((len(name) for name in registry), default=0)
            for name, benchmark in sorted(registry.items()):
                self.stdout.write(f"{name.ljust(width)}  {benchmark.help}")
            return
        chosen = options.get("benchmark")
        if not chosen:
            raise CommandError("Name a benchmark, or use --list to see them.")
        figures = registry[chosen]().run(options, self.stdout.write)
        self.stdout.write(result_line(figures))
