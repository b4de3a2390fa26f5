"""Fixtures for the AI tests: a tiny model trained here in seconds, and the JSB data beside the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocomposer.paths import shared_data_dir


TINY_TRAINING = ["--eval-every", "60", "--valid-chorales", "2", "--d-model", "32", "--layers", "2",
                 "--windows", "32", "--lr", "3e-3", "--warmup", "10", "--batch-cells", "1024"]


@pytest.fixture(scope="session")
def tiny_training_args() -> list[str]:
    return list(TINY_TRAINING)


@pytest.fixture(scope="session")
def jsb_path() -> Path:
    data = shared_data_dir()
    path = data / "jsb" / "Jsb16thSeparated.json" if data else None
    if path is None or not path.is_file():
        pytest.skip("the JSB chorales (../shared/data/jsb) are not beside this checkout")
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, jsb_path) -> Path:
    """Train a 2-layer model for a few steps, export it to ONNX, and return the .onnx path."""
    from cocomposer.training import export, train

    out = tmp_path_factory.mktemp("tiny-run")
    assert train.main(TINY_TRAINING + ["--data", str(jsb_path), "--out", str(out), "--steps", "60"]) == 0
    onnx_path = out / "tiny.onnx"
    assert export.main([str(out / "best.pt"), "-o", str(onnx_path)]) == 0
    return onnx_path
