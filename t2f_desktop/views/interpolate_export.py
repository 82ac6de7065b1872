"""Saving what the Interpolate view shows: a frame, the four-corner grid, PNG frames, GIF and MP4.

Every export is enlarged to the one export size (so PNG frames and their GIF match), and every PNG
carries the two endpoints, ψ and the model in its text chunks. Writing runs on the job thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from t2f_desktop import dialogs, export, image_actions

if TYPE_CHECKING:
    from t2f_desktop.views.interpolate import InterpolateView


def path_text(view: InterpolateView, frame: int | None = None) -> dict[str, str]:
    """PNG text for the path A → B (and which frame, when one)."""
    from core.image_export import face_text

    r = view.result
    a, b = r.start, r.end
    description = a.text if a.text == b.text else f"{a.text} → {b.text}"
    extra = {"interpolation": f"{r.mode} ({r.method}) from A (seed {a.seed}) to B (seed {b.seed}), "
                              f"{len(r.frames)} frames"}
    if frame is not None:
        extra["frame"] = f"{frame + 1} of {len(r.frames)}"
    return face_text(description, [a.seed, b.seed], r.truncation, view.session.name, **extra)


def grid_text(view: InterpolateView) -> dict[str, str]:
    """PNG text for the four-corner grid: text across from A to B, noise down from A's seed to B's."""
    from core.image_export import face_text

    a, b, method, psi = view.grid_request
    size = len(view.grid_images)
    return face_text(f"{a.text} → {b.text}", [a.seed, b.seed], psi, view.session.name,
                     interpolation=f"{size}×{size} four-corner grid ({method}): the description moves across, "
                                   f"the noise down")


def _run(view: InterpolateView, what: str, job, done_message: str) -> None:  # noqa: ANN001 - a callable
    def failed(message: str) -> None:
        dialogs.error(view, f"Could not export {what}", message)

    view.session.runner.submit(f"export-{what}", job, lambda _: view.status_message.emit(done_message), failed)


def export_gif(view: InterpolateView) -> None:
    if view.result is None:
        return
    from core.explore import save_gif

    path = image_actions.ask_save_path(view, view.settings, "Export GIF", "t2f-interpolation.gif",
                                       "GIF animations (*.gif)", ".gif")
    if path is None:
        return
    frames, fps, loop = view.result.frames, view.fps.value(), view.loop.isChecked()
    size = image_actions.export_size(view.settings)

    def job() -> None:
        from core.image_export import enlarge

        save_gif(enlarge(frames, size), path, fps=fps, loop=loop)

    _run(view, "GIF", job, f"Saved {len(frames)} frames to {path}")


def export_png_frames(view: InterpolateView) -> None:
    if view.result is None:
        return
    folder = dialogs.open_folder(view, "Export PNG frames into folder", image_actions.last_folder(view.settings))
    if not folder:
        return
    frames = view.result.frames
    size = image_actions.export_size(view.settings)
    texts = [path_text(view, index) for index in range(len(frames))]
    _run(view, "PNG frames", lambda: export.save_png_frames(frames, folder, size=size, texts=texts),
         f"Saved {len(frames)} PNG frames in {folder}")


def export_mp4(view: InterpolateView) -> None:
    if view.result is None or not export.mp4_available():
        return
    path = image_actions.ask_save_path(view, view.settings, "Export MP4", "t2f-interpolation.mp4",
                                       "MP4 videos (*.mp4)", ".mp4")
    if path is None:
        return
    frames, fps = view.result.frames, view.fps.value()
    size = image_actions.export_size(view.settings)

    def job() -> None:
        from core.image_export import enlarge

        export.save_mp4(enlarge(frames, size), path, fps=fps)

    _run(view, "MP4", job, f"Saved {path}")


def save_frame(view: InterpolateView) -> None:
    if view.result is None:
        return
    index = view.scrubber.value()
    path = image_actions.save_faces(view, view.settings, view.result.frames[index],
                                    f"t2f-frame{index + 1:03d}.png", path_text(view, index))
    if path:
        view.status_message.emit(f"Saved {path}")


def save_grid(view: InterpolateView) -> None:
    images = view.grid_images
    if images is None:
        return
    size = len(images)
    path = image_actions.save_faces(view, view.settings, images.reshape(size * size, *images.shape[2:]),
                                    "t2f-corner-grid.png", grid_text(view), columns=size)
    if path:
        view.status_message.emit(f"Saved {path}")
