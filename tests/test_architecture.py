"""The rooms of kit/ and their borders (docs/architecture.md), held by the test suite.

- the layer order in pyproject.toml ([tool.importlinter]) is run with import-linter: a room
  imports only rooms below it;
- a module reaches another room through that room's package (`from kit.record import ...`),
  never through its modules, and never takes a `_private` name;
- no module-level import cycles, within a room or across rooms;
- every name a room's `__init__` lists in `__all__` exists;
- importing a low room has no heavy side effects (the hex checker loads no pyserial or QEMU);
- only the CLI room prints or exits.
"""
from __future__ import annotations

import ast
import graphlib
import importlib
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
KIT = ROOT / "kit"
ROOMS = sorted(p.parent.name for p in KIT.glob("*/__init__.py") if p.parent.name != "_content")
MAX_LOOSE_MODULES = 8


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(KIT.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "_content" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _room(module: str) -> str:
    """'kit.record.protocol' -> 'kit.record'; a loose module is a room of its own."""
    return ".".join(module.split(".")[:2])


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path, module_level_only: bool) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, names) for each import of kit in a file.

    Imports under `if TYPE_CHECKING:` never run and are left out. With module_level_only,
    imports inside functions (run on first call, not at import) are left out too.
    """
    found: list[tuple[int, str, list[str]]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name, []) for a in node.names
                         if a.name.split(".")[0] == "kit")
        elif isinstance(node, ast.ImportFrom):
            if node.module and not node.level and node.module.split(".")[0] == "kit":
                found.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        elif module_level_only and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                     ast.Lambda)):
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def test_the_layer_order_holds():
    """import-linter's layers contract (pyproject.toml); its report names the upward import.

    lint_imports configures logging with disable_existing_loggers, which would silence every
    `kit` logger for the rest of the test run; their state is put back afterwards.
    """
    loggers = [lg for lg in logging.root.manager.loggerDict.values()
               if isinstance(lg, logging.Logger)]
    disabled = [lg.disabled for lg in loggers]
    try:
        assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
    finally:
        for logger, was in zip(loggers, disabled):
            logger.disabled = was


def test_other_rooms_are_reached_through_their_package_and_public_names():
    problems = []
    for module, path in MODULES.items():
        for line, target, names in _imports(path, module_level_only=False):
            if _room(target) == _room(module) or target == "kit":
                continue
            where = "{}:{}".format(path.relative_to(ROOT), line)
            if target != _room(target):
                problems.append("{} imports {} (use `from {} import ...`)".format(
                    where, target, _room(target)))
            problems += ["{} imports the private name {}.{}".format(where, target, name)
                         for name in names if name.startswith("_")]
    assert not problems, "\n".join(problems)


def test_no_module_level_import_cycles():
    """Edges count what runs at import time: `from kit.sim import x` runs kit/sim/__init__."""
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for module, path in MODULES.items():
        for _line, target, names in _imports(path, module_level_only=True):
            if target in MODULES and target != module:
                graph[module].add(target)
            for name in names:
                sub = "{}.{}".format(target, name)
                if sub in MODULES and sub != module:
                    graph[module].add(sub)
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as err:
        pytest.fail("import cycle: {}".format(" -> ".join(err.args[1])))


@pytest.mark.parametrize("room", ROOMS)
def test_each_room_names_its_public_api(room: str):
    package = importlib.import_module("kit." + room)
    assert package.__doc__ and len(package.__doc__.split()) >= 15, "say what the room is for"
    public = getattr(package, "__all__", None)
    assert public, "kit/{}/__init__.py has no __all__".format(room)
    missing = [name for name in public if not hasattr(package, name)]
    assert not missing, missing
    lazy = getattr(package, "_WHERE", None)
    if lazy is not None:  # a lazy room (kit/lazy.py) exports exactly what it lists
        assert sorted(n for names in lazy.values() for n in names) == sorted(public)


def test_at_most_a_few_loose_modules_in_kit():
    loose = sorted(p.name for p in KIT.glob("*.py") if p.name != "__init__.py")
    assert len(loose) <= MAX_LOOSE_MODULES, loose


def _modules_after_import(statement: str) -> list[str]:
    code = ("import atexit, logging, sys\nbefore = atexit._ncallbacks()\n{}\n"
            "print(atexit._ncallbacks() - before)\n"
            "print(' '.join(sorted(sys.modules)))").format(statement)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=60).stdout.split("\n")
    return [out[0]] + out[1].split()


@pytest.mark.parametrize("statement", [
    "import kit.build",
    "from kit.build import inspect_hex",
    "import kit.boards",
    "from kit.boards import Board, BoardInfo",
])
def test_low_rooms_import_without_side_effects(statement: str):
    """The hex checker and the board interface load no pyserial, MicroPython or QEMU machinery."""
    hooks, *loaded = _modules_after_import(statement)
    assert hooks == "0", "an atexit hook was registered at import"
    heavy = [m for m in loaded if m.split(".")[0] in (
        "serial", "matplotlib", "micropython_microbit_fs", "universal_hex", "intelhex")
             or m == "kit.boards.qemu"]
    assert not heavy, heavy


def test_only_the_cli_prints_or_exits():
    """The library returns values or raises; kit/cli turns them into text and exit codes."""
    problems = []
    for module, path in MODULES.items():
        if module.startswith("kit.cli"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                "{}.{}".format(func.value.id, func.attr)
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else "")
            if name in ("print", "click.echo", "click.secho", "sys.exit", "exit", "quit"):
                problems.append("{}:{}: {}()".format(path.relative_to(ROOT), node.lineno, name))
    assert not problems, "\n".join(problems)


def test_python_is_parsed_only_under_the_ast_lock():
    """CPython 3.11's AST constructor is not thread-safe (kit/build/pyast.py): every
    ast.parse, and every literal_eval of source text, goes through the one lock."""
    problems = []
    for module, path in MODULES.items():
        if module == "kit.build.pyast":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "ast"
                    and node.func.attr in ("parse", "literal_eval")):
                # literal_eval of an AST node parses nothing (kit/check/lesson.py)
                if node.func.attr == "literal_eval" and node.args and isinstance(
                        node.args[0], ast.Name) and node.args[0].id == "node":
                    continue
                problems.append("{}:{}: ast.{}()".format(path.relative_to(ROOT), node.lineno,
                                                         node.func.attr))
    assert not problems, "use kit.build.parse_python / literal:\n" + "\n".join(problems)
