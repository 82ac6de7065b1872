"""Train view: a tiny run end to end, pause/resume/stop, errors, closing while training."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PIL import Image

from t2f_desktop.workers.training import TrainingJob


@pytest.fixture
def train_view(make_window):  # noqa: ANN001, ANN201
    window = make_window()
    window.tabs.setCurrentWidget(window.train_view)
    return window, window.train_view


def checkpoints(run_dir: Path) -> list[Path]:
    return sorted((run_dir / "checkpoints").glob("step_*.safetensors"))


def test_tiny_run_reports_progress_and_metrics_pause_resume_and_stop(train_view, qtbot, tmp_path, dataset,
                                                                        config_factory):
    window, view = train_view
    run_dir = tmp_path / "run"
    metrics, started = [], []
    view.controller.metrics.connect(metrics.append)
    view.controller.started.connect(started.append)
    config = config_factory(stage_images=4000, batch=8, sample_every=5)  # long enough to pause and stop
    assert view.start_job(TrainingJob(run_dir, config=config, dataset=dataset))
    assert view.running and not view.start_button.isEnabled() and view.stop_button.isEnabled()

    qtbot.waitUntil(lambda: view.monitor.plot.point_count() >= 2, timeout=30_000)
    assert started and started[0].resumed is False
    assert metrics and {"d_loss", "g_loss", "images_per_s"} <= set(metrics[0])
    progress = view.monitor.progress
    assert progress.images_seen > 0 and progress.stages == 3 and progress.stage_progress is not None
    assert view.monitor.status.overall.value() > 0
    assert "images/s" in view.monitor.status.fields["speed"].text()
    qtbot.waitUntil(lambda: view.monitor.samples.samples != [], timeout=30_000)
    assert view.monitor.samples.caption_list.count() == config.train.sample_count

    view.pause_button.click()
    assert view.controller.paused and view.pause_button.text() == "Resume"
    qtbot.wait(300)  # the step in flight finishes, then nothing moves
    trainer = view.controller.trainer
    seen = trainer.images_seen
    qtbot.wait(400)
    assert trainer.images_seen == seen and trainer.paused
    view.pause_button.click()
    assert not view.controller.paused
    qtbot.waitUntil(lambda: trainer.images_seen > seen, timeout=30_000)

    finished = []
    view.controller.finished.connect(finished.append)
    with qtbot.waitSignal(view.controller.stopped, timeout=60_000):
        view.stop_button.click()
    assert finished[0].reason == "stopped"
    assert not view.running and view.start_button.isEnabled()
    assert checkpoints(run_dir), "stopping saves a checkpoint"
    assert (run_dir / "model" / "config.json").is_file()
    assert view.use_button.isEnabled()
    assert "Stopped" in view.monitor.status.state.text()


def test_stopped_run_can_be_continued(train_view, qtbot, tmp_path, dataset, config_factory):
    window, view = train_view
    run_dir = tmp_path / "run"
    view.start_job(TrainingJob(run_dir, config=config_factory(stage_images=4000), dataset=dataset))
    qtbot.waitUntil(lambda: view.monitor.plot.point_count() >= 1, timeout=30_000)
    with qtbot.waitSignal(view.controller.stopped, timeout=60_000):
        view.stop()
    step = int(checkpoints(run_dir)[-1].stem.split("_")[1])
    started = []
    view.controller.started.connect(started.append)
    assert view.resume_run(run_dir, dataset=dataset)
    qtbot.waitUntil(lambda: bool(started), timeout=30_000)
    assert started[0].resumed and started[0].step == step
    with qtbot.waitSignal(view.controller.stopped, timeout=60_000):
        view.stop()


def test_start_from_the_form_runs_to_completion_and_use_this_model(train_view, qtbot, tmp_path, dataset,
                                                                   dialog_log, idle):
    window, view = train_view
    setup = view.setup
    setup.use_dataset(dataset)
    assert "loaded 32 images" in setup.summary.text()
    setup.preset.setCurrentIndex(setup.preset.findData("custom"))
    setup.size.setCurrentIndex(setup.size.findData("tiny"))
    setup.resolution.setCurrentIndex(setup.resolution.findData(16))
    setup.stage_images.setText("48")
    setup.batch_sizes.setText("8, 8, 8")
    setup.sample_every.setValue(3)
    setup.device.setCurrentIndex(setup.device.findData("cpu"))
    setup.run_dir.setText(str(tmp_path / "form-run"))
    assert "3 stages" in setup.schedule_summary.text()
    finished = []
    view.controller.finished.connect(finished.append)
    with qtbot.waitSignal(view.controller.stopped, timeout=60_000):
        view.start_button.click()
    assert finished[0].reason == "completed", dialog_log.calls
    view.monitor.poll_now()
    samples = view.monitor.samples.samples
    assert len(samples) >= 3
    assert view.monitor.progress.finished and view.monitor.status.fields["eta"].text() == "done"

    dialog_log.save_path = str(tmp_path / "timelapse.gif")
    view.monitor.samples.export_button.click()
    idle(window)
    with Image.open(tmp_path / "timelapse.gif") as gif:
        assert gif.n_frames == len(samples)

    view.use_button.click()
    qtbot.waitUntil(lambda: window.session.model is not None, timeout=20_000)
    assert window.session.path == tmp_path / "form-run"
    assert window.tabs.currentWidget() is window.generate_view
    assert setup.run_dir.text() != str(tmp_path / "form-run"), "a fresh folder is suggested for the next run"


def test_recommended_preset_fills_the_form_with_the_bundled_recipe(train_view):
    from core.presets import preset

    _, view = train_view
    setup = view.setup
    setup.synthetic.setChecked(True)
    setup.synthetic_count.setValue(500)
    setup.preset.setCurrentIndex(setup.preset.findData("bundled"))
    assert setup.synthetic_count.value() == 20_000  # the recipe's data, not the last count typed
    assert not setup.stage_images.isEnabled() and setup.stage_images.text() == "20000, 25000, 40000, 70000, 130000"
    assert setup.config().replace(train=preset("bundled").train) == preset("bundled")
    assert setup.config().train.reader_steps == 800
    assert "attribute reader (800 steps)" in setup.schedule_summary.text()
    setup.folder.setChecked(True)
    setup.folder_path.setText("/data/faces")
    assert setup.config().train.reader_steps == 0
    assert "no attribute reader: only the synthetic faces carry the labels" in setup.schedule_summary.text()


def test_precision_reaches_the_run_config_and_the_summary_says_where_bf16_is_slow(train_view, monkeypatch):
    import core.devices

    _, view = train_view
    setup = view.setup
    setup.device.setCurrentIndex(setup.device.findData("cpu"))
    assert setup.config().train.mixed_precision == "off"
    monkeypatch.setattr(core.devices, "cpu_has_native_bf16", lambda: False)
    setup.precision.setCurrentIndex(setup.precision.findData("bf16"))
    assert setup.config().train.mixed_precision == "bf16"
    assert "no fast bfloat16: the run will train in float32" in setup.schedule_summary.text()
    monkeypatch.setattr(core.devices, "cpu_has_native_bf16", lambda: True)
    setup.device.setCurrentIndex(setup.device.findData("auto"))
    setup.device.setCurrentIndex(setup.device.findData("cpu"))
    assert "float32" not in setup.schedule_summary.text()
    setup.save_settings()
    assert setup.settings.get_str("train/precision") == "bf16"


def test_form_errors_are_messages(train_view, dialog_log):
    window, view = train_view
    setup = view.setup
    setup.preset.setCurrentIndex(setup.preset.findData("custom"))
    setup.stage_images.setText("10, 20")
    assert "one per stage" in setup.schedule_summary.text()
    assert not view.start()
    assert dialog_log.kinds("warning") and not view.running


def test_unwritable_run_folder_is_a_message_and_the_app_survives(train_view, qtbot, tmp_path, dataset,
                                                                 dialog_log, config_factory):
    window, view = train_view
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    with qtbot.waitSignal(view.controller.stopped, timeout=30_000):
        view.start_job(TrainingJob(not_a_folder / "run", config=config_factory(), dataset=dataset))
    (_, title, message), = dialog_log.errors
    assert "not writable" in message
    assert not view.running and view.start_button.isEnabled()


def test_continuing_a_run_another_trainer_holds_is_a_message(train_view, qtbot, tmp_path, dataset, dialog_log,
                                                              config_factory):
    from core.training.trainer import Trainer

    window, view = train_view
    run_dir = tmp_path / "run"
    Trainer(run_dir, config_factory(stage_images=16, batch=8), dataset).train(max_steps=1)
    elsewhere = Trainer(run_dir, resume=True, dataset=dataset)  # as if the command line were training it
    with qtbot.waitSignal(view.controller.stopped, timeout=30_000):
        view.resume_run(run_dir, dataset=dataset)
    (_, title, message), = dialog_log.errors
    assert "is being trained by process" in message and "stop that first" in message
    assert not view.running and view.start_button.isEnabled()
    assert elsewhere.train().reason == "completed"  # the other trainer was not disturbed


def test_missing_dataset_folder_is_a_message(train_view, qtbot, tmp_path, dialog_log, config_factory):
    window, view = train_view
    job = TrainingJob(tmp_path / "run", config=config_factory(), source=str(tmp_path / "no-such-folder"))
    with qtbot.waitSignal(view.controller.stopped, timeout=30_000):
        view.start_job(job)
    assert "no-such-folder" in dialog_log.errors[0][2]


def test_folder_with_a_run_offers_to_continue_it(train_view, tiny_run, dialog_log):
    window, view = train_view
    dialog_log.confirm_answer = False
    view.setup.run_dir.setText(str(tiny_run))
    assert not view.start()
    assert "already holds a run" in dialog_log.kinds("confirm")[0][2]


def test_closing_during_training_asks_then_stops_with_a_checkpoint(train_view, qtbot, tmp_path, dataset,
                                                                   dialog_log, config_factory):
    window, view = train_view
    run_dir = tmp_path / "run"
    view.start_job(TrainingJob(run_dir, config=config_factory(stage_images=4000), dataset=dataset))
    qtbot.waitUntil(lambda: view.monitor.plot.point_count() >= 1, timeout=30_000)

    dialog_log.confirm_answer = False
    assert not window.close()
    assert view.running and window.isVisible()

    dialog_log.confirm_answer = True
    assert window.close()
    assert not view.running
    assert len(dialog_log.kinds("confirm")) == 2
    assert checkpoints(run_dir)


def test_sigterm_stops_training_with_a_checkpoint_and_quits_without_asking(train_view, qtbot, tmp_path, dataset,
                                                                            dialog_log, config_factory):
    import signal

    from t2f_desktop.app import stop_and_quit

    window, view = train_view
    run_dir = tmp_path / "run"
    view.start_job(TrainingJob(run_dir, config=config_factory(stage_images=4000), dataset=dataset))
    qtbot.waitUntil(lambda: view.monitor.plot.point_count() >= 1, timeout=30_000)
    stop_and_quit(window, signal.SIGTERM)
    assert not view.running and not window.isVisible()
    assert dialog_log.kinds("confirm") == []  # nobody may be there to answer
    assert checkpoints(run_dir)


def test_a_finished_run_trains_longer_within_one_resumes_limit(train_view, qtbot, tmp_path, dialog_log,
                                                                config_factory):
    from core.config import DataConfig, RunConfig

    window, view = train_view
    run_dir = tmp_path / "run"
    config = config_factory(stage_images=16, batch=8).replace(data=DataConfig(synthetic_count=32))
    assert not view.longer_button.isEnabled()  # no run watched yet
    with qtbot.waitSignal(view.controller.stopped, timeout=60_000):
        view.start_job(TrainingJob(run_dir, config=config))
    assert view.longer_button.isEnabled()
    # Fades last half a stage: the 16 images of the finished last stage let it grow to 32 at once.
    assert not view.train_longer()  # the person cancels
    assert "is 16 images long" in dialog_log.kinds("ask_int")[-1][2]
    assert "[17–32, offered 32]" in dialog_log.kinds("ask_int")[-1][2]
    dialog_log.number = 24
    finished = []
    view.controller.finished.connect(finished.append)
    with qtbot.waitSignal(view.controller.stopped, timeout=60_000):
        assert view.train_longer()
    assert finished[0].reason == "completed" and finished[0].images_seen == 56, dialog_log.calls
    assert "Train longer… gives its last stage more images" in view.monitor.status.state.text()
    assert RunConfig.load(run_dir / "config.json").train.stage_images == (16, 16, 24)
    # A run still fading in its last stage cannot: a message says why, nothing starts.
    config_file = run_dir / "config.json"
    RunConfig.load(config_file).replace(train=dataclasses.replace(config.train, stage_images=(16, 16, 200))).save(
        config_file)
    assert not view.train_longer() and not view.running
    assert "stage is still fading in (α 0.24)" in dialog_log.kinds("warning")[-1][2]


def test_a_run_can_continue_a_trained_model_from_the_form(train_view, qtbot, tmp_path, dataset, tiny_run,
                                                           monkeypatch):
    from core.model.t2f import T2F, read_model_card

    window, view = train_view
    setup = view.setup
    source = read_model_card(tiny_run)
    setup.use_dataset(dataset)
    setup.preset.setCurrentIndex(setup.preset.findData("custom"))
    setup.device.setCurrentIndex(setup.device.findData("cpu"))
    assert not setup.more_images.isEnabled() and setup.start_model() is None
    setup.choose_start_model(tiny_run)
    assert setup.start_model() == tiny_run and setup.more_images.isEnabled()
    setup.more_images.setValue(2_000)
    assert not setup.schedule_form.isRowVisible(setup.stage_images)
    assert not setup.resolution.isEnabled() and setup.resolution.currentData() == 16
    summary = setup.schedule_summary.text()
    assert f"continues the model at 16×16 from its {source.info.images_seen:,} images for 2,000 more" in summary
    assert "a new critic (1,000 steps)" in summary
    config = setup.config()
    assert config.model == source.config
    assert config.train.total_images == source.info.images_seen + 2_000

    jobs = []
    monkeypatch.setattr(view, "start_job", lambda job: jobs.append(job) or True)
    setup.run_dir.setText(str(tmp_path / "continued"))
    assert view.start()
    assert jobs[0].start_from == tiny_run and jobs[0].config == config
    monkeypatch.undo()

    # The job the form made trains the model itself (set-up phases shortened for the test).
    train = dataclasses.replace(config.train, fresh_critic_steps=2, matching_warmup_steps=0, reader_steps=0,
                                reader_weight=0.0)
    job = dataclasses.replace(jobs[0], config=config.replace(train=train), max_steps=source.info.step + 2)
    finished = []
    view.controller.finished.connect(finished.append)
    with qtbot.waitSignal(view.controller.stopped, timeout=60_000):
        assert view.start_job(job)
    assert finished[0].reason == "max_steps"
    log = view.monitor.log.toPlainText()
    assert f"from the model in {tiny_run}" in log
    # The new critic's progress, then the GAN steps' stage line: the status no longer shows set-up.
    assert log.index("new critic (learns to tell the model's faces") < log.index("stage 3 of 3: 16×16")
    model = T2F.load(tmp_path / "continued", device="cpu")
    assert model.info.images_seen == source.info.images_seen + 2 * config.train.batch_sizes[-1]

    setup.start_from.setCurrentIndex(0)
    setup._on_start_chosen(0)
    assert setup.start_model() is None and setup.schedule_form.isRowVisible(setup.stage_images)
    assert setup.schedule_summary.text().startswith("3 stages, 4×4 → 16×16")


def test_a_custom_preset_restored_at_start_shows_its_networks_defaults(make_window):
    window = make_window()
    window.train_view.setup.preset.setCurrentIndex(window.train_view.setup.preset.findData("custom"))
    window.train_view.setup.save_settings()
    setup = make_window().train_view.setup  # a new window reads the saved settings
    assert setup.preset.currentData() == "custom"
    assert setup.stage_images.text() and setup.lr.value() == 0.001 and setup.checkpoint_every.value() > 1
    assert setup.schedule_summary.text().startswith("4 stages, 4×4 → 32×32")
