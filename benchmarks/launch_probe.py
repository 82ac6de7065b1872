"""Run ``main.py`` exactly as ``python main.py [ARGS]`` would, printing when milestones happen.

Usage (the ``ui`` benchmark starts this in a subprocess)::

    QT_QPA_PLATFORM=offscreen python benchmarks/launch_probe.py [--model DIR]

The app has no "report when the first face is on screen" hook yet, so this stands in for one
without changing the app: it creates the QApplication first (``create_application`` reuses it),
watches events with an application event filter and a 5 ms poll, then runs ``main.py`` with
``runpy`` as ``__main__``. Each milestone is printed as ``T2F-PROBE {"event": ..., "t": epoch}``:

* ``probe-start``: the interpreter is up (Python start-up is the time before it);
* ``qapplication``: PySide6 imported and the QApplication created;
* ``window-show``: the main window received its Show event (everything ``main()`` imports and
  builds before ``window.show()``);
* ``window-painted``: the first paint after that (the window is on screen);
* ``model-loaded``: ``window.session.model`` is set (a model was loaded on the job thread);
* ``first-face``: the Generate view has a result (its ``generated`` signal, or ``result`` set);
* ``first-face-painted``: the first paint after that — the face is on screen;
* ``settled``: with no model to load, the window is painted and nothing is loading;
* ``timeout``: ``T2F_PROBE_TIMEOUT`` seconds (default 60) passed first.

After ``first-face-painted`` (or ``settled``/``timeout``) the window is closed the normal way.
"""

from __future__ import annotations

import json
import os
import sys
import time

START = time.time()


def emit(event: str, **extra: object) -> None:
    print("T2F-PROBE " + json.dumps({"event": event, "t": time.time(), **extra}), flush=True)


def main() -> None:
    emit("probe-start")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    main_py = os.path.join(root, "main.py")
    sys.path.insert(0, root)
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication.instance() or QApplication([main_py])
    emit("qapplication")
    seen: set[str] = set()
    state: dict[str, object] = {"window": None, "settle_since": None}
    timeout = float(os.environ.get("T2F_PROBE_TIMEOUT", "60"))

    def once(event: str, **extra: object) -> bool:
        if event in seen:
            return False
        seen.add(event)
        emit(event, **extra)
        return True

    class Watcher(QObject):
        def eventFilter(self, obj, event):  # noqa: ANN001, ANN201, N802 - Qt naming
            kind = event.type()
            if kind == QEvent.Type.Show and isinstance(obj, QMainWindow):
                once("window-show")
            elif kind == QEvent.Type.Paint and "window-show" in seen:
                if "window-painted" not in seen:
                    once("window-painted")
                elif "first-face" in seen:
                    once("first-face-painted")
                    QTimer.singleShot(0, finish)
            return False

    watcher = Watcher()
    app.installEventFilter(watcher)

    def on_face(*_: object) -> None:
        once("first-face")
        window = state["window"]
        if window is not None:  # make sure a paint follows even if nothing else schedules one
            window.update()

    def finish(reason: str | None = None) -> None:
        if "finish" in seen:
            return
        if reason:
            once(reason)
        once("finish")
        app.removeEventFilter(watcher)
        poll.stop()
        window = state["window"]
        QTimer.singleShot(5000, lambda: os._exit(0))  # never hang on shutdown
        if window is not None:
            window.close()
        else:
            app.quit()

    def check() -> None:
        if time.time() - START > timeout:
            finish("timeout")
            return
        window = state["window"]
        if window is None:
            for widget in app.topLevelWidgets():
                if isinstance(widget, QMainWindow) and hasattr(widget, "generate_view"):
                    state["window"] = window = widget
                    view = widget.generate_view
                    signal = getattr(view, "generated", None)
                    if signal is not None:
                        signal.connect(on_face)
                    break
            if window is None:
                return
        session = getattr(window, "session", None)
        if session is not None and getattr(session, "model", None) is not None:
            once("model-loaded")
        if getattr(window.generate_view, "result", None) is not None:
            on_face()
        loading = bool(getattr(session, "is_loading", False)) or bool(getattr(getattr(window, "runner", None),
                                                                               "busy", False))
        if os.environ.get("T2F_PROBE_EXPECT_FACE", "1") == "0" and "window-painted" in seen and not loading:
            since = state["settle_since"] or time.time()
            state["settle_since"] = since
            if time.time() - since > 0.3:
                finish("settled")
        else:
            state["settle_since"] = None

    poll = QTimer()
    poll.setInterval(5)
    poll.timeout.connect(check)
    poll.start()

    import runpy

    sys.argv = [main_py] + sys.argv[1:]
    code = 0
    try:
        runpy.run_path(main_py, run_name="__main__")
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0
    emit("exit", code=code)
    sys.stdout.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
