"""Conventions every app keeps (STYLE.md), checked so that a new app cannot drift from them."""

import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = sorted(
    f"{path.parent.name}.{path.stem}" for pattern in ("*/services.py", "*/selectors.py") for path in ROOT.glob(pattern)
)


@pytest.mark.parametrize("module_name", LAYERS)
def test_public_services_and_selectors_take_keyword_arguments_only(module_name):
    module = importlib.import_module(module_name)
    positional = []
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if name.startswith("_") or function.__module__ != module.__name__:
            continue
        kinds = {parameter.kind for parameter in inspect.signature(function).parameters.values()}
        if kinds & {inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD}:
            positional.append(name)
    assert positional == [], f"{module_name}: call these with keywords only (def f(*, ...)): {positional}"
