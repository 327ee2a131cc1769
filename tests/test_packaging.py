"""Packaging: every package is listed, and a non-editable install finds lessons and firmware."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import tomllib
from conftest import require_qemu

ROOT = Path(__file__).resolve().parents[1]


def test_every_python_package_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("kit",)
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found <= listed, "add these to [tool.setuptools] packages: {}".format(found - listed)


def test_non_editable_install_runs_demo_from_another_folder(tmp_path: Path):
    """pip install . into a fresh venv, then `klimakit demo` elsewhere uses the installed copy."""
    require_qemu()
    venv = tmp_path / "venv"
    # The running interpreter's site-packages (a user's venv or the system's) supply the
    # dependencies through a .pth file; klimakit itself is built (isolated build, setuptools
    # from the package index) and installed from this checkout, non-editable.
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    venv_site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True).stdout.strip()
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (Path(venv_site) / "deps-from-test-runner.pth").write_text("\n".join(ours) + "\n")
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", str(ROOT)],
        check=True, capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLIMAKIT_")}
    env["PYTHONPATH"] = ""
    where = subprocess.run(
        [str(py), "-c",
         "import kit.resources as r; print(r.lessons_dir()); print(r.firmware_dir())"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert all(str(venv) in p for p in where), where
    assert (Path(where[1]) / "sensortjek.py").is_file()
    assert (Path(where[1]) / "lib" / "klima.py").is_file()
    installed = subprocess.run(
        [str(py), "-c", "import importlib.metadata as m; "
         "print('\\n'.join(str(f) for f in m.files('klimakit')))"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout.split()
    top = {f.split("/")[0] for f in installed if not f.startswith("../")}
    # Only the package `kit` (and the distribution's metadata): no generic `cli`/`clicommands`.
    assert {t for t in top if not t.endswith(".dist-info")} == {"kit"}, top
    assert any(f.endswith("i18n/locale/da/LC_MESSAGES/klimakit.mo") for f in installed)
    for locale, words in (("C", ("Brug:", "Tilvalg:", "Vis denne hjælp og afslut.")),
                          ("en_US.UTF-8", ("Usage:", "Options:", "Show this message and exit."))):
        shown = subprocess.run([str(venv / "bin" / "klimakit"), "--help"], cwd=elsewhere,
                               env={**env, "LANG": locale, "LC_ALL": "", "LANGUAGE": ""},
                               capture_output=True, text=True, check=True).stdout
        assert all(word in shown for word in words), (locale, shown)
    result = subprocess.run(
        [str(venv / "bin" / "klimakit"), "demo", "--out", "ud"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "ud" / "demo.csv").stat().st_size > 0
    assert (elsewhere / "ud" / "demo.png").stat().st_size > 0
