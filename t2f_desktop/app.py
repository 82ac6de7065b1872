"""Application start-up: the QApplication, its identity and the main window.

``python main.py``, ``python -m t2f_desktop`` and the ``t2f-desktop`` script all come here.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication

from t2f_desktop import __version__
from t2f_desktop.settings import APPLICATION, ORGANIZATION


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The one QApplication, named so QSettings and the desktop find the app."""
    from t2f_desktop.icon import app_icon

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
    parser.add_argument("--version", action="version", version=f"T2F Desktop {__version__}")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
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
    """Ctrl+C in the terminal closes the window the normal way (asking first if training).

    Qt's event loop never lets Python run its signal handlers; an idle timer gives it the chance.
    """
    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGINT, lambda *_: window.close())
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(250)


if __name__ == "__main__":
    sys.exit(main())
