"""Guard against Qt bindings that leak references to ``None``/``True`` (PySide6 6.12.0).

Those builds return the singletons from void methods and ``Signal.emit`` without taking a
reference; before Python 3.12 made them immortal, that aborts the app after a few thousand calls.
pyproject.toml excludes the bad release; this test fails if one is installed anyway.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class Emitter(QObject):
    fired = Signal(object)


def test_void_calls_and_emits_keep_singleton_reference_counts(qtbot):
    emitter = Emitter()
    received = []
    emitter.fired.connect(received.append)
    label = QLabel()
    qtbot.addWidget(label)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for index in range(2_000):
        emitter.fired.emit(index)
        label.setText("x")
    assert len(received) == 2_000
    assert sys.getrefcount(None) >= none_before - 50  # other code may drop a few legitimately
    assert sys.getrefcount(True) >= true_before - 50
