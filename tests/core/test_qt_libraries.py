"""Finding the system libraries Qt's xcb plugin lacks, and the one line that installs them."""

import subprocess
from pathlib import Path

from core.qt_libraries import (PACKAGES, check_qt_libraries, distro_family, explain, install_command,
                               missing_by_ldd, qt_platform)

PLUGIN = Path("/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so")
LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f97)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibQt6XcbQpa.so.6 => /site-packages/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f97)
\tlibxcb-icccm.so.4 => not found
"""


def fake_run(stdout: str, returncode: int = 0):
    def run(command, **_):
        assert command == ["ldd", str(PLUGIN)]
        return subprocess.CompletedProcess(command, returncode, stdout, "")
    return run


def test_ldd_not_found_lines_become_the_missing_list_once_each_in_order():
    assert missing_by_ldd(PLUGIN, run=fake_run(LDD_OUTPUT)) == ("libxcb-icccm.so.4", "libxcb-keysyms.so.1")
    assert missing_by_ldd(PLUGIN, run=fake_run("\tlibc.so.6 => /lib/libc.so.6\n")) == ()
    assert missing_by_ldd(PLUGIN, run=fake_run("", returncode=1)) is None  # ldd could not read it


def test_the_check_runs_only_where_qt_would_use_xcb():
    never = dict(find_plugin=lambda: PLUGIN, ldd=lambda _: ("libxcb-icccm.so.4",))
    for environ in ({"QT_QPA_PLATFORM": "offscreen"}, {"QT_QPA_PLATFORM": "wayland;xcb"},
                    {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}):
        check = check_qt_libraries(environ, platform="linux", **never)
        assert check.method == "skipped" and check.ok, environ
    assert check_qt_libraries({}, platform="darwin", **never).method == "skipped"
    assert check_qt_libraries({}, platform="linux", find_plugin=lambda: None, ldd=never["ldd"]).ok  # no PySide6
    check = check_qt_libraries({"QT_QPA_PLATFORM": "xcb"}, platform="linux", **never)
    assert (check.method, check.missing, check.plugin) == ("ldd", ("libxcb-icccm.so.4",), PLUGIN)


def test_without_ldd_each_known_library_is_loaded_by_name():
    tried = []

    def load(name):
        tried.append(name)
        return name not in ("libxcb-keysyms.so.1", "libEGL.so.1")

    check = check_qt_libraries({}, platform="linux", find_plugin=lambda: PLUGIN, ldd=lambda _: None, load=load)
    assert check.method == "load"
    assert check.missing == ("libxcb-keysyms.so.1", "libEGL.so.1")
    assert tried == list(PACKAGES)


def test_platform_comes_from_the_command_line_then_the_environment():
    assert qt_platform({}, ["main.py", "-platform", "offscreen"]) == "offscreen"
    assert qt_platform({"QT_QPA_PLATFORM": "xcb:nomitshm"}) == "xcb"
    assert qt_platform({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}) == "xcb"
    assert qt_platform({}) == "xcb"


def test_distribution_family_from_os_release():
    assert distro_family('PRETTY_NAME="Debian GNU/Linux 12"\nID=debian\n') == "debian"
    assert distro_family('ID=ubuntu\nID_LIKE=debian\n') == "debian"
    assert distro_family('ID=linuxmint\nID_LIKE="ubuntu debian"\n') == "debian"
    assert distro_family('ID="fedora"\n') == "fedora"
    assert distro_family('ID="rocky"\nID_LIKE="rhel centos fedora"\n') == "fedora"
    assert distro_family("ID=arch\n") == "arch"
    assert distro_family("ID=alpine\n") is None
    assert distro_family("") is None


def test_one_install_line_per_distribution_with_each_package_once():
    missing = ("libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-shape.so.0", "libxcb-randr.so.0")
    assert install_command(missing, "debian", as_root=False) == (
        "sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0")
    assert install_command(missing, "fedora", as_root=True) == "dnf install -y xcb-util-wm xcb-util-keysyms libxcb"
    assert install_command(missing, "arch", as_root=True) == "pacman -S --needed xcb-util-wm xcb-util-keysyms libxcb"
    assert install_command(("libunheard.so.3",), "debian", as_root=True) == "apt-get install -y libunheard.so.3"
    assert install_command(missing, None) is None


def test_the_explanation_names_the_libraries_and_the_command():
    check = check_qt_libraries({}, platform="linux", find_plugin=lambda: PLUGIN,
                               ldd=lambda _: ("libxcb-icccm.so.4", "libxcb-keysyms.so.1"))
    text = explain(check, "debian", as_root=False)
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in text
    assert text.splitlines()[-1] == "Install them with:  sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1"
    assert "package manager" in explain(check, None)
