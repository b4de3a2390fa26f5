"""Export a trained checkpoint to ONNX (dynamic batch and length), check it against torch, write the card.

    python -m cocomposer.training.export checkpoints/long/best.pt -o resources/model/cocomposer-satb.onnx

The card's training_commands are every phase's command, rebuilt from the checkpoints' saved arguments.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

from cocomposer.ai.vocabulary import MASK, MAX_PITCH, MIN_PITCH, NUM_CLASSES, REST, VOICE_NAMES
from cocomposer.training.model import ModelConfig, TwoStreamModel
from cocomposer.training.train import command_line

INPUT_NAMES = ["context_tokens", "context_rank", "context_frame", "context_voice",
               "query_rank", "query_frame", "query_voice", "beat_phase"]
OUTPUT_NAMES = ["log_probs"]


class CellListModel(torch.nn.Module):
    """The exported graph: the model's cell-list form (see docs/MODEL.md)."""

    def __init__(self, model: TwoStreamModel) -> None:
        super().__init__()
        self.model = model

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return self.model.forward_cells(*inputs)


def load_checkpoint(path: str | Path) -> tuple[TwoStreamModel, dict]:
    state = torch.load(path, weights_only=False, map_location="cpu")
    model = TwoStreamModel(ModelConfig(**state["config"]))
    model.load_state_dict(state["model"])
    return model.eval(), state


def sample_inputs(batch: int, context: int, queries: int, seed: int = 0) -> tuple[torch.Tensor, ...]:
    """Random but valid cell-list inputs over a window of 64 frames."""
    g = torch.Generator().manual_seed(seed)

    def cells(count: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return (torch.randint(0, 4, (batch, count), generator=g), torch.randint(0, 64, (batch, count), generator=g),
                torch.randint(0, 4, (batch, count), generator=g))

    context_rank, context_frame, context_voice = cells(context)
    query_rank, query_frame, query_voice = cells(queries)
    context_tokens = torch.randint(0, MASK + 1, (batch, context), generator=g)
    return (context_tokens, context_rank, context_frame, context_voice, query_rank + 1, query_frame, query_voice,
            torch.randint(0, 4, (batch,), generator=g))


def export_onnx(model: TwoStreamModel, path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    axes = {name: {0: "batch", 1: "context" if name.startswith("context") else "queries"} for name in INPUT_NAMES[:-1]}
    axes.update(beat_phase={0: "batch"}, log_probs={0: "batch", 1: "queries"})
    torch.onnx.export(CellListModel(model).eval(), sample_inputs(2, 24, 16), str(path), dynamo=False, opset_version=17,
                      input_names=INPUT_NAMES, output_names=OUTPUT_NAMES, dynamic_axes=axes)


def verify_against_torch(model: TwoStreamModel, path: str | Path, tolerance: float = 1e-3) -> float:
    """Largest |log-prob difference| between torch and onnxruntime over a few shapes; raises if too big."""
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    worst = 0.0
    for batch, context, queries, seed in ((1, 1, 5, 1), (3, 100, 300, 2), (2, 520, 7, 3)):
        inputs = sample_inputs(batch, context, queries, seed)
        with torch.no_grad():
            expected = model.forward_cells(*inputs).numpy()
        got = session.run(None, dict(zip(INPUT_NAMES, (t.numpy() for t in inputs))))[0]
        worst = max(worst, float(np.abs(expected - got).max()))
    if worst > tolerance:
        raise RuntimeError(f"ONNX export disagrees with torch by {worst:.2e} (tolerance {tolerance:.0e})")
    return worst


def training_commands(state: dict) -> list[str]:
    """The commands that trained this checkpoint, earliest first: a run started --init-from another
    checkpoint is preceded by that checkpoint's own commands when it is still on disk."""
    args = state.get("args", {})
    source = args.get("init_from")
    earlier: list[str] = []
    if source and Path(source).is_file():
        earlier = training_commands(torch.load(source, map_location="cpu", weights_only=False))
    elif source:
        earlier = [f"(the run that wrote {source}; that checkpoint is gone, so its command is unknown)"]
    return earlier + [command_line(args)]


def model_card(state: dict, onnx_path: Path, max_difference: float) -> dict:
    args = state.get("args", {})
    return {
        "name": "CoComposer SATB infilling model",
        "file": onnx_path.name,
        "architecture": "two-stream (XLNet-style) transformer over voice x 16th-note cells, ALiBi frame-distance bias",
        "config": state["config"],
        "parameters": sum(int(np.prod(v.shape)) for v in state["model"].values()),
        "training_steps": state["step"],
        "data": {
            "corpus": "JSB chorales, 16th-note frames, voices S A T B (Jsb16thSeparated.json, Boulanger-Lewandowski split as prepared for Coconet)",
            "train_split": "train (229 chorales)", "selection_split": "valid (first %d chorales)" % args.get("valid_chorales", 30),
            "test_split": "test (77 chorales), never used for training or selection",
            "augmentation": "transposition within +-6 semitones, random rest spans given as context, task-shaped masks (unconditional, continue, harmonize, infill, random) with chronological or random/tied decoding ranks",
        },
        "grid": {"frames_per_quarter": 4, "voices": list(VOICE_NAMES), "beat_phase": "16th position of frame 0 within its beat (0-3)"},
        "vocabulary": {"classes": NUM_CLASSES, "rest_token": REST, "mask_token": MASK, "pitch_token": f"pitch - {MIN_PITCH} + 1",
                       "min_pitch": MIN_PITCH, "max_pitch": MAX_PITCH},
        "inputs": {"context_tokens": "int64 (batch, K)", "context_rank": "int64 (batch, K)", "context_frame": "int64 (batch, K)",
                   "context_voice": "int64 (batch, K), 0=S 1=A 2=T 3=B", "query_rank": "int64 (batch, M)",
                   "query_frame": "int64 (batch, M)", "query_voice": "int64 (batch, M)", "beat_phase": "int64 (batch,)"},
        "outputs": {"log_probs": f"float32 (batch, M, {NUM_CLASSES}), natural-log probabilities for each query cell"},
        "contract": "docs/MODEL.md",
        "export_check": {"max_abs_logprob_difference_vs_torch": max_difference},
        "validation": {"chronological_nll_per_token": state.get("best_valid")},
        "metrics": {},
        "training_commands": training_commands(state) + [
            f"python -m cocomposer.training.export {Path(args.get('out', 'checkpoints/main')) / 'best.pt'} -o resources/model/{onnx_path.name}"],
        "licence": "Model weights: MIT, like the code. Training data: J. S. Bach chorales, public domain.",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("-o", "--output", required=True, help="path of the .onnx file; the card goes beside it")
    args = parser.parse_args(argv)
    model, state = load_checkpoint(args.checkpoint)
    output = Path(args.output)
    export_onnx(model, output)
    difference = verify_against_torch(model, output)
    card_path = output.with_suffix(".json")
    card = model_card(state, output, difference)
    if card_path.exists():  # keep metrics measured by `cocomposer evaluate` for the same file
        card["metrics"] = json.loads(card_path.read_text()).get("metrics", {})
    card_path.write_text(json.dumps(card, indent=2) + "\n")
    print(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB), max |torch - onnx| = {difference:.2e}; card {card_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
