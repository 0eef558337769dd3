"""The layout shows the architecture: no import cycles, small modules, each says its concept."""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "skdistill"
README = PACKAGE.parent / "README.md"
MAX_LINES = 600


def modules():
    return sorted(PACKAGE.glob("*.py"))


def imported_siblings(path):
    """The skdistill modules ``path`` imports, at the top or inside functions."""
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("skdistill."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names
                         if alias.name.startswith("skdistill."))
    return found - {"__init__"}


def import_graph():
    names = {path.stem for path in modules()}
    return {path.stem: imported_siblings(path) & names for path in modules()
            if path.stem != "__init__"}


def find_cycle(graph):
    """A list of modules forming a cycle, or None (depth-first search)."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for child in sorted(graph.get(node, ())):
            if state.get(child) == "open":
                return stack[stack.index(child):] + [child]
            if child not in state:
                cycle = visit(child)
                if cycle:
                    return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_no_import_cycle_inside_the_package():
    assert find_cycle(import_graph()) is None


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("path", modules(), ids=lambda path: path.name)
def test_each_module_is_small_and_says_its_one_concept(path):
    lines = path.read_text().splitlines()
    assert len(lines) <= MAX_LINES, f"{path.name} has {len(lines)} lines"
    docstring = ast.get_docstring(ast.parse(path.read_text()))
    assert docstring, f"{path.name} has no module docstring"
    assert docstring.splitlines()[0].strip(), f"{path.name}'s docstring starts empty"


def test_the_readme_layout_table_lists_every_module():
    listed = set(re.findall(r"`?(_?[a-z_]+)\.py`?", README.read_text()))
    missing = sorted(path.name for path in modules()
                     if path.stem != "__init__" and path.stem not in listed)
    assert not missing, f"README's layout table omits {missing}"
