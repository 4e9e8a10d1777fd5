"""translator's public API: every name importable from the package, and cheap to import."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import translator


@pytest.mark.parametrize("name", translator.__all__)
def test_every_public_name_is_the_object_of_its_module(name: str) -> None:
    module = importlib.import_module(translator._MODULE_OF[name])
    assert getattr(translator, name) is getattr(module, name)


def test_the_api_names_the_flow() -> None:
    for name in ("SchemaGraph", "match", "Alignment", "read_alignment", "compile_alignment", "Translator"):
        assert name in translator.__all__
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = translator.nothing  # type: ignore[attr-defined]


def test_importing_the_package_or_the_translator_loads_no_matcher_and_no_torch() -> None:
    code = (
        "import sys, translator; from translator import Translator, read_translator; "
        "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('translator.matching')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"


def test_all_lists_exactly_the_lazily_imported_names() -> None:
    assert translator.__all__ == sorted(translator._MODULE_OF)
