"""Application start-up: the QApplication, its identity and the main window.

``python main.py``, ``python -m t2f_desktop`` and the ``t2f-desktop`` script all come here. Qt is
imported only after the system check: on a machine that lacks a library Qt's platform plugin
needs, Qt would abort the process (and may name the wrong library); we say what is missing and
how to install it, and exit with status 1 instead. ``--check`` prints ``t2f doctor``'s report.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from t2f_desktop import __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The one QApplication, named so QSettings and the desktop find the app."""
    from PySide6.QtWidgets import QApplication

    from t2f_desktop.icon import app_icon
    from t2f_desktop.settings import APPLICATION, ORGANIZATION

    app = QApplication.instance() or QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("t2f-desktop")
    app.setWindowIcon(app_icon())
    share_cpu_threads()
    return app


def share_cpu_threads() -> None:
    """Give torch half the cores per thread: drawing and training run side by side.

    Each Python thread that runs torch gets its own team of compute threads; two full-size teams
    on the same cores fight each other and every step gets many times slower. An explicit
    ``OMP_NUM_THREADS`` wins.
    """
    if "OMP_NUM_THREADS" in os.environ:
        return
    import torch

    torch.set_num_threads(max(1, (os.cpu_count() or 2) // 2))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="t2f-desktop", description="T2F Desktop: text to face.")
    parser.add_argument("--model", help="open this model folder (or run folder) instead of the last one")
    parser.add_argument("--run", help="open this training run folder in the Train view")
    parser.add_argument("--check", action="store_true",
                        help="check this machine (Python, torch, device, Qt's system libraries, the model) and exit")
    parser.add_argument("--version", action="version", version=f"T2F Desktop {__version__}")
    return parser.parse_args(argv)


def cannot_start_qt(environ: dict[str, str] | os._Environ = os.environ) -> str | None:
    """Why Qt's window cannot open here (a missing system library, or no X display); None if it can."""
    from core.qt_libraries import check_qt_libraries, distro_family, explain, read_os_release

    check = check_qt_libraries(environ)
    if not check.ok:
        return (f"T2F Desktop cannot start. {explain(check, distro_family(read_os_release()))}\n"
                "Then run `python main.py` again (`python main.py --check` checks everything).")
    if check.method != "skipped" and not environ.get("DISPLAY"):
        return ("T2F Desktop cannot start: DISPLAY is not set, so there is no X display to open a window on.\n"
                "Run it from a desktop session (or set QT_QPA_PLATFORM=offscreen to draw without a screen).")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.check:
        from core.cli.doctor import format_findings, run_checks

        findings = run_checks(args.model)
        print(format_findings(findings))
        return 1 if any(f.problem for f in findings) else 0
    reason = cannot_start_qt()
    if reason:
        print(reason, file=sys.stderr)
        return 1
    app = create_application()
    from t2f_desktop.main_window import MainWindow

    window = MainWindow(restore_session=False)
    window.show()
    if args.model:
        window.session.load(args.model)
    else:
        window.load_initial_model()
    if args.run:
        window.open_run(args.run)
    else:
        window.train_view.reopen_last_run()
    close_on_interrupt(window)
    return app.exec()


def close_on_interrupt(window) -> None:  # noqa: ANN001 - the main window
    """Ctrl+C in the terminal closes the window the normal way (asking first if training); SIGTERM
    and SIGHUP (a service stop, a logout, the terminal closing) stop a training run, which saves a
    checkpoint, and quit without asking — there may be nobody to answer.

    Qt's event loop never lets Python run its signal handlers; an idle timer gives it the chance.
    """
    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGINT, lambda *_: window.close())
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda signum, _frame: stop_and_quit(window, signum))
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def stop_and_quit(window, signum: int) -> None:  # noqa: ANN001 - the main window
    """Stop every background thread (a training run saves its checkpoint first), then close."""
    if signum == getattr(signal, "SIGHUP", None):  # the terminal is gone: nothing more to print to it
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    window.shutdown()
    window.close()


if __name__ == "__main__":
    sys.exit(main())
