"""Screenshots of the Refine view (also part of ``python -m t2f_desktop.screenshots``).

``python -m t2f_desktop.screenshots_refine OUT --model resources/models/default`` renders only
these, without the short training run the full set needs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

PROMPT = "An old man with a grey beard, short white hair and glasses."


def shoot_refine(window, shooter, wait_until) -> None:  # noqa: ANN001
    """Start from a Generate face, pick, select two for a mean, move sliders; shoot each stage."""
    view = window.refine_view
    window.tabs.setCurrentWidget(view)
    wait_until(lambda: view.directions is not None and not window.runner.busy, 120)
    view.start_from(PROMPT, 2024)
    wait_until(lambda: not window.runner.busy, 30)
    view.pick(5)
    wait_until(lambda: not window.runner.busy, 30)
    view.pick(1, extend=True)
    view.pick(7, extend=True)
    shooter.shoot(window, "08-refine")
    view.move_to_mean()
    wait_until(lambda: not window.runner.busy, 30)
    view.sliders.set_value("expression=smiling", 2.0)
    wait_until(lambda: not window.runner.busy, 30)
    view.sliders.set_value("accessories=hat", 1.5)
    wait_until(lambda: not window.runner.busy, 30)
    shooter.shoot(window, "09-refine-sliders")
    sheet = Path(shooter.out_dir) / "10-refine-sheet.png"
    view.export_sheet(sheet)
    shooter.saved.append(sheet)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m t2f_desktop.screenshots_refine")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--model", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["T2F_DESKTOP_SETTINGS"] = str(Path(tempfile.mkdtemp(prefix="t2f-shots-")) / "settings.ini")
    from t2f_desktop.app import create_application
    from t2f_desktop.main_window import MainWindow
    from t2f_desktop.screenshots import Shooter, wait_until

    args.out_dir.mkdir(parents=True, exist_ok=True)
    create_application()
    shooter = Shooter(args.out_dir, (1360, 860))
    window = MainWindow(restore_session=False)
    window.resize(1360, 860)
    window.show()
    window.session.load(args.model)
    wait_until(lambda: window.session.model is not None and not window.runner.busy, 60)
    shoot_refine(window, shooter, wait_until)
    window.shutdown()
    window.close()
    print(f"wrote {len(shooter.saved)} screenshots to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
