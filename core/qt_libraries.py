"""Which system libraries Qt needs on this Linux machine and lacks, and how to install them.

PySide6's wheels bundle Qt itself but not the X11/GL libraries its platform plugin links to. When
one is missing, Qt aborts the process with a message that may name another library than the one
missing. This module asks the dynamic loader (``ldd`` on the plugin, or loading each library the
plugin is known to need) before Qt starts, so the app and ``t2f doctor`` can name the missing
libraries and the one command that installs them. It never imports Qt: importing Qt's GUI modules
is itself what fails on a machine without these libraries.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Library → its package on (Debian/Ubuntu, Fedora, Arch). What Qt 6's xcb plugin links to,
#: directly or through Qt's own libraries; the loading fallback tries exactly these.
PACKAGES: dict[str, tuple[str, str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "xcb-util"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libx11"),
    "libX11.so.6": ("libx11-6", "libX11", "libx11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "freetype2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
}
FAMILIES = ("debian", "fedora", "arch")
INSTALLERS = {"debian": "apt-get install -y", "fedora": "dnf install -y", "arch": "pacman -S --needed"}
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


@dataclass(frozen=True)
class LibraryCheck:
    """What was checked and what is missing.

    ``method`` is "ldd" (the loader resolved the plugin's whole dependency tree), "load" (each
    known library was loaded by name), or "skipped" (not Linux, not xcb, or no PySide6 to check).
    """

    platform: str
    plugin: Path | None
    missing: tuple[str, ...]
    method: str

    @property
    def ok(self) -> bool:
        return not self.missing


def qt_platform(environ: Mapping[str, str] = os.environ, argv: Sequence[str] = ()) -> str:
    """The Qt platform plugin this process will use: ``-platform NAME``, else ``QT_QPA_PLATFORM``
    (its first choice), else "wayland" in a Wayland session and "xcb" otherwise."""
    args = list(argv)
    if "-platform" in args[:-1]:
        return args[args.index("-platform") + 1].split(":")[0]
    chosen = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen
    if environ.get("XDG_SESSION_TYPE") == "wayland" and environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def xcb_plugin() -> Path | None:
    """PySide6's xcb platform plugin, found without importing PySide6; None where it is absent."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.origin:
        return None
    plugin = Path(spec.origin).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def missing_by_ldd(plugin: Path, run: Callable[..., subprocess.CompletedProcess] = subprocess.run) -> tuple[str, ...] | None:
    """Libraries ``ldd`` reports "not found" anywhere in the plugin's dependency tree, in order;
    None when ``ldd`` is not installed or cannot read the plugin."""
    if shutil.which("ldd") is None:
        return None
    try:
        result = run(["ldd", str(plugin)], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return tuple(dict.fromkeys(_NOT_FOUND.findall(result.stdout)))


def loads(name: str) -> bool:
    """Whether the dynamic loader finds and loads the library ``name`` (e.g. "libxcb.so.1")."""
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def check_qt_libraries(environ: Mapping[str, str] = os.environ, argv: Sequence[str] = (),
                       platform: str = sys.platform, find_plugin: Callable[[], Path | None] = xcb_plugin,
                       ldd: Callable[[Path], tuple[str, ...] | None] = missing_by_ldd,
                       load: Callable[[str], bool] = loads) -> LibraryCheck:
    """Check the libraries of the xcb platform plugin where Qt would use it (Linux, platform xcb).

    The defaults ask this system; a test passes stand-ins for the plugin, ``ldd`` and the loader.
    """
    chosen = qt_platform(environ, argv)
    if not platform.startswith("linux") or chosen != "xcb":
        return LibraryCheck(chosen, None, (), "skipped")
    path = find_plugin()
    if path is None:
        return LibraryCheck(chosen, None, (), "skipped")
    missing = ldd(path)
    if missing is not None:
        return LibraryCheck(chosen, path, missing, "ldd")
    return LibraryCheck(chosen, path, tuple(name for name in PACKAGES if not load(name)), "load")


def distro_family(os_release: str) -> str | None:
    """"debian", "fedora" or "arch" from the text of ``/etc/os-release`` (``ID`` and ``ID_LIKE``)."""
    fields = dict(re.findall(r"^(\w+)=\"?([^\"\n]*)\"?$", os_release, re.MULTILINE))
    ids = [fields.get("ID", "")] + fields.get("ID_LIKE", "").split()
    for value in ids:
        for family, members in (("debian", ("debian", "ubuntu")), ("fedora", ("fedora", "rhel", "centos")),
                                ("arch", ("arch",))):
            if value in members:
                return family
    return None


def read_os_release() -> str:
    """``/etc/os-release`` (or ``/usr/lib/os-release``), empty where neither exists."""
    for path in (Path("/etc/os-release"), Path("/usr/lib/os-release")):
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return ""


def install_command(missing: Sequence[str], family: str | None, as_root: bool | None = None) -> str | None:
    """The one command that installs ``missing`` on ``family``; None for an unknown distribution.

    Libraries this module has no package name for are passed as they are, for the user to map.
    """
    if family not in INSTALLERS:
        return None
    column = FAMILIES.index(family)
    packages = dict.fromkeys(PACKAGES[name][column] if name in PACKAGES else name for name in missing)
    root = os.geteuid() == 0 if as_root is None and hasattr(os, "geteuid") else bool(as_root)
    return f"{'' if root else 'sudo '}{INSTALLERS[family]} {' '.join(packages)}"


def explain(check: LibraryCheck, family: str | None, as_root: bool | None = None) -> str:
    """What a person reads when libraries are missing: which, and the line that installs them."""
    lines = [f"Qt's {check.platform} platform plugin needs system libraries this machine lacks: "
             + ", ".join(check.missing)]
    command = install_command(check.missing, family, as_root)
    if command:
        lines.append(f"Install them with:  {command}")
    else:
        lines.append("Install the packages that provide them with your distribution's package manager.")
    return "\n".join(lines)
