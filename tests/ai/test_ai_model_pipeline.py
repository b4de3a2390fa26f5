"""Train -> export -> onnxruntime: the whole model path on a tiny model trained inside the test run."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from cocomposer.ai.errors import ModelError
from cocomposer.ai.likelihood import chronological_windows, stack_windows
from cocomposer.ai.model_session import CellList, load_model
from cocomposer.ai.vocabulary import MASK
from cocomposer.training.data import load_jsb, pitches_to_tokens
from cocomposer.training.export import load_checkpoint, training_commands


def test_training_improves_on_uniform_and_logs(tiny_model):
    log = (tiny_model.parent / "train.log").read_text()
    assert "step 60 valid chronological NLL" in log
    card = json.loads(tiny_model.with_suffix(".json").read_text())
    assert card["validation"]["chronological_nll_per_token"] < 0.8 * np.log(65)  # clearly better than guessing
    assert card["vocabulary"]["mask_token"] == 65


def test_onnxruntime_agrees_with_torch_on_a_real_chorale(tiny_model, jsb_path):
    model, _ = load_checkpoint(tiny_model.parent / "best.pt")
    session = load_model(tiny_model)
    chorale = load_jsb(jsb_path)["valid"][0]
    windows = chronological_windows(pitches_to_tokens(chorale.copy()))[:1]
    tokens, rank, phase, _ = stack_windows(windows)
    with torch.no_grad():
        expected = model(torch.from_numpy(tokens), torch.from_numpy(rank), torch.from_numpy(phase)).numpy()
    got = session.grid_log_probs(tokens, rank, phase)
    assert np.abs(expected[rank > 0] - got[rank > 0]).max() < 1e-3


def test_a_mask_predict_pass_sees_only_the_given_cells_and_answers_as_with_all(tiny_model, jsb_path):
    """Cells still to be written are left out of the context: same answer as the full grid, less work."""
    session = load_model(tiny_model)
    tokens = pitches_to_tokens(load_jsb(jsb_path)["valid"][1][:64].copy())[None].repeat(2, axis=0)
    rank = np.zeros_like(tokens)
    rank[:, :, 1:] = 1  # harmonize: soprano given
    rank[1, 10:20, 2] = 0  # a few committed cells, as after an earlier pass
    rank[0, 30:40, 3] = 0
    tokens[rank == 1] = MASK
    phase = np.array([0, 2])
    asked = []
    predict = session.predict
    session.predict = lambda context, queries, p: asked.append(context.tokens.shape[1]) or predict(context, queries, p)
    pruned = session.grid_log_probs(tokens, rank, phase)[rank > 0]
    everything = predict(CellList.from_grid(tokens, rank, rank >= 0), CellList.from_grid(tokens, rank, rank > 0), phase)
    assert asked == [64 + 10]
    assert np.abs(pruned - everything.reshape(-1, pruned.shape[-1])).max() < 1e-4


def test_training_resumes_from_its_checkpoint(tiny_model, jsb_path, tiny_training_args):
    from cocomposer.training import train

    out = tiny_model.parent
    assert train.main(tiny_training_args + ["--data", str(jsb_path), "--out", str(out), "--steps", "62",
                                       "--eval-every", "2"]) == 0
    log = (out / "train.log").read_text()
    assert "resumed at step 60" in log and "step 62 valid" in log


def test_a_new_run_can_start_from_another_runs_weights(tiny_model, jsb_path, tiny_training_args, tmp_path):
    """--init-from (the shipped model's second phase): a fresh schedule on trained weights, here in bf16."""
    from cocomposer.training import train

    source = torch.load(tiny_model.parent / "best.pt", weights_only=False)
    assert train.main(tiny_training_args + ["--data", str(jsb_path), "--out", str(tmp_path), "--steps", "2",
                                       "--eval-every", "2", "--lr", "1e-9", "--bf16", "--chronological", "1",
                                       "--init-from", str(tiny_model.parent / "best.pt")]) == 0
    continued = torch.load(tmp_path / "latest.pt", weights_only=False)
    assert continued["step"] == 2 and continued["config"] == source["config"]
    assert abs(continued["best_valid"] - source["best_valid"]) < 0.01  # untrained weights would score ~4.2
    first, second = training_commands(continued)  # as the model card states how to reproduce it
    assert "--init-from" not in first and f"--out {tiny_model.parent}" in first
    assert f"--init-from {tiny_model.parent / 'best.pt'}" in second and "--bf16" in second


def test_missing_and_corrupt_model_files_give_clear_errors(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        load_model(tmp_path / "nope.onnx")
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"this is not an onnx file")
    with pytest.raises(ModelError, match="not a usable ONNX model"):
        load_model(broken)


def test_asking_for_cuda_without_it_falls_back_to_cpu_with_a_note(tiny_model):
    session = load_model(tiny_model, device="cuda")
    assert session.provider in ("CPUExecutionProvider", "CUDAExecutionProvider")
    if session.provider == "CPUExecutionProvider":
        assert "running on the CPU" in session.device_note and "CUDA" in session.device_note
