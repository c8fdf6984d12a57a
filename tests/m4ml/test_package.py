"""The package's layout: the tree in m4ml's docstring, lazy imports, one home per name."""

import importlib
import pkgutil
import subprocess
import sys

import m4ml


def _modules():
    return [info.name for info in pkgutil.walk_packages(m4ml.__path__, "m4ml.")]


def test_the_docstring_tree_names_every_subpackage_and_module():
    tree = m4ml.__doc__.split("::", 1)[1]
    for name in _modules():
        parts = name.split(".")
        if parts[1] == "data" and len(parts) > 2:
            continue                      # the data modules are named in the data line
        assert f" {parts[-1]} " in tree, name
    for dataset in ("cancer", "digits", "weather", "genetics"):
        assert importlib.import_module(f"m4ml.data.{dataset}")


def test_import_m4ml_and_its_numeric_subpackages_loads_no_heavy_library():
    code = ("import sys, m4ml, m4ml.linalg, m4ml.calculus, m4ml.optim, m4ml.models, m4ml.stats; "
            "print(sorted(m for m in ('sklearn', 'plotly', 'stdpopsim', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_each_public_name_lives_in_one_module():
    homes = {}
    for name in _modules():
        module = importlib.import_module(name)
        if hasattr(module, "__path__"):
            continue
        for public in getattr(module, "__all__", []):
            homes.setdefault(public, []).append(name)
    assert {k: v for k, v in homes.items() if len(v) > 1} == {}
