"""``core/`` never imports Qt: the app is one face on the core, the CLI and headless jobs another."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"
QT_PACKAGES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "t2f_desktop")


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_core_module_imports_qt_or_the_app_anywhere_in_its_code():
    offenders = {str(path.relative_to(CORE.parent)): sorted(_imported_roots(path) & set(QT_PACKAGES))
                 for path in CORE.rglob("*.py")}
    assert {path: found for path, found in offenders.items() if found} == {}


def test_importing_every_core_module_loads_no_qt():
    code = ("import importlib, pkgutil, sys, core\n"
            "for info in pkgutil.walk_packages(core.__path__, 'core.'):\n"
            "    if not info.name.endswith('__main__'):\n"
            "        importlib.import_module(info.name)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {QT_PACKAGES!r}))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=CORE.parent,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
