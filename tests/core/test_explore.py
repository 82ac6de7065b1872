import numpy as np
import pytest
import torch
from PIL import Image

from core.explore import Endpoint, grid_array, interpolate, interpolation_latents, lerp, save_gif, slerp


def test_slerp_hits_endpoints_and_keeps_norm_on_equal_norm_vectors():
    a, b = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    t = torch.linspace(0, 1, 5)
    path = slerp(a, b, t)
    torch.testing.assert_close(path[0], a)
    torch.testing.assert_close(path[-1], b)
    torch.testing.assert_close(path.norm(dim=1), torch.ones(5))
    torch.testing.assert_close(path[2], torch.tensor([0.5**0.5, 0.5**0.5]))
    torch.testing.assert_close(slerp(a, a * 2, t), lerp(a, a * 2, t))  # parallel: falls back to lerp


def test_interpolation_endpoints_equal_generated_faces(tiny_model):
    start, end = Endpoint("a red square", 3), Endpoint("a blue stripe", 8)
    frames = interpolate(tiny_model, start, end, 7)
    assert frames.shape == (7, 16, 16, 3) and frames.dtype == np.uint8
    assert np.array_equal(frames[0], tiny_model.generate(start.text, start.seed)[0])
    assert np.array_equal(frames[-1], tiny_model.generate(end.text, end.seed)[0])


def test_interpolation_modes_move_only_their_part(tiny_model):
    start, end = Endpoint("a red square", 3), Endpoint("a blue stripe", 8)
    ca = tiny_model.config.ca_dim
    noise = interpolation_latents(tiny_model, start, end, 4, mode="noise")
    text = interpolation_latents(tiny_model, start, end, 4, mode="text", method="lerp")
    assert torch.equal(noise[:, :ca], noise[:1, :ca].expand(4, -1))
    assert torch.equal(text[:, ca:], text[:1, ca:].expand(4, -1))
    assert not torch.equal(noise[0, ca:], noise[-1, ca:]) and not torch.equal(text[0, :ca], text[-1, :ca])


@pytest.mark.parametrize("kwargs,message", [({"frames": 1}, "frames"), ({"frames": 241}, "frames"),
                                            ({"mode": "colour"}, "mode"), ({"method": "cubic"}, "method")])
def test_interpolation_rejects_bad_options(tiny_model, kwargs, message):
    args = {"frames": 4, **kwargs}
    with pytest.raises(ValueError, match=message):
        interpolate(tiny_model, Endpoint("a", 1), Endpoint("b", 2), **args)


def test_gif_has_every_frame(tmp_path):
    frames = np.zeros((6, 8, 8, 3), dtype=np.uint8)
    frames[:, :, :, 0] = np.arange(6)[:, None, None] * 40
    save_gif(frames, tmp_path / "a.gif", fps=10)
    with Image.open(tmp_path / "a.gif") as gif:
        assert gif.is_animated and gif.n_frames == 6


def test_grid_layout():
    images = np.full((5, 4, 4, 3), 7, dtype=np.uint8)
    grid = grid_array(images, columns=3, padding=1)
    assert grid.shape == (2 * 4 + 3, 3 * 4 + 4, 3)
    assert (grid[1:5, 1:5] == 7).all() and (grid[0] == 255).all()
