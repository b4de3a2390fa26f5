"""Loading the shipped ONNX model into onnxruntime: CPU by default, CUDA when asked for and present.

The model contract (inputs tokens/rank/beat_phase, output log_probs) is written up in docs/MODEL.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnxruntime as ort

from cocomposer.ai.errors import ModelError
from cocomposer.ai.vocabulary import GIVEN_RANK, NUM_CLASSES
from cocomposer.paths import RESOURCES_DIR

MODEL_FILE_NAME = "cocomposer-satb.onnx"
HIDDEN_RANK = 1 << 30  # a rank so high that no other cell sees a cell of it


@dataclass
class CellList:
    """A batch of cells as the model takes them: each (B, n) int64."""

    tokens: np.ndarray
    rank: np.ndarray
    frame: np.ndarray
    voice: np.ndarray

    @classmethod
    def from_grid(cls, tokens: np.ndarray, rank: np.ndarray, selected: np.ndarray) -> "CellList":
        """The selected cells of (B, T, 4) grids, in frame-then-voice order; each row must select as many."""
        batch = tokens.shape[0]
        index = np.nonzero(selected)
        frame = index[1].reshape(batch, -1)
        voice = index[2].reshape(batch, -1)
        return cls(tokens[index].reshape(batch, -1), rank[index].reshape(batch, -1), frame, voice)
EXPECTED_INPUTS = ("context_tokens", "context_rank", "context_frame", "context_voice",
                   "query_rank", "query_frame", "query_voice", "beat_phase")


def default_model_path() -> Path:
    return RESOURCES_DIR / "model" / MODEL_FILE_NAME


@dataclass
class ModelSession:
    """An onnxruntime session over the model plus its card; `device_note` says where it runs and why."""

    path: Path
    session: ort.InferenceSession
    card: dict = field(default_factory=dict)
    device_note: str = ""

    @property
    def provider(self) -> str:
        return self.session.get_providers()[0]

    def predict(self, context: CellList, queries: CellList, beat_phase: np.ndarray) -> np.ndarray:
        """Log-probabilities (B, M, NUM_CLASSES) of the query cells given the context cells."""
        feed = {"context_tokens": context.tokens, "context_rank": context.rank, "context_frame": context.frame,
                "context_voice": context.voice, "query_rank": queries.rank, "query_frame": queries.frame,
                "query_voice": queries.voice, "beat_phase": beat_phase}
        return self.session.run(None, {k: np.ascontiguousarray(v, dtype=np.int64) for k, v in feed.items()})[0]

    def grid_log_probs(self, tokens: np.ndarray, rank: np.ndarray, beat_phase: np.ndarray,
                       hidden_rank: int = HIDDEN_RANK) -> np.ndarray:
        """Grid convenience: (B, T, 4) tokens and ranks -> (B, T, 4, C) log-probabilities.

        Cells of rank 1..hidden_rank-1 are queried; cells of rank hidden_rank are left out entirely.
        Every batch row must have the same number of context and query cells. Unqueried cells get 0.
        """
        present = rank < hidden_rank
        query_cells = (rank > GIVEN_RANK) & present
        context = CellList.from_grid(tokens, rank, influential_context(rank, present, query_cells))
        queries = CellList.from_grid(tokens, rank, query_cells)
        out = np.zeros(tokens.shape + (NUM_CLASSES,), dtype=np.float32)
        out[query_cells] = self.predict(context, queries, beat_phase).reshape(-1, NUM_CLASSES)
        return out


def influential_context(rank: np.ndarray, present: np.ndarray, query_cells: np.ndarray) -> np.ndarray:
    """The present cells that can affect some query: those of rank below the highest query rank.

    A cell of rank r reaches only queries of rank > r (directly, or through content cells of rank >= r),
    so leaving out the rest gives the same answer for less work: in a mask-predict pass the cells
    still to be written (all of the top rank) drop out and only the given cells are context.
    Falls back to every present cell where batch rows would differ in size or nothing would remain.
    """
    if not query_cells.any():
        return present
    useful = present & (rank < rank[query_cells].max())
    counts = useful.reshape(len(rank), -1).sum(axis=1)
    if counts.min() == 0 or (counts != counts[0]).any():
        return present
    return useful


def load_model(path: str | Path | None = None, device: str = "cpu", threads: int = 0) -> ModelSession:
    """Open the model at `path` (default: the shipped one) on `device` ('cpu' or 'cuda').

    Asking for CUDA where onnxruntime has no CUDA provider falls back to the CPU and says so in
    `device_note`; a missing or corrupt file raises ModelError naming the file.
    """
    path = Path(path) if path else default_model_path()
    if not path.is_file():
        raise ModelError(f"{path}: AI model file not found (reinstall CoComposer or pass --model)")
    providers, note = ["CPUExecutionProvider"], "running on the CPU"
    if device == "cuda":
        if "CUDAExecutionProvider" in ort.get_available_providers():
            providers, note = ["CUDAExecutionProvider", "CPUExecutionProvider"], "running on the GPU (CUDA)"
        else:
            note = "CUDA was asked for but this onnxruntime has no CUDA provider (install onnxruntime-gpu); running on the CPU"
    elif device != "cpu":
        raise ModelError(f"unknown device {device!r}: use 'cpu' or 'cuda'")
    options = ort.SessionOptions()
    options.log_severity_level = 3
    if threads:
        options.intra_op_num_threads = threads
    try:
        session = ort.InferenceSession(str(path), sess_options=options, providers=providers)
    except Exception as error:  # onnxruntime raises several types for bad files
        raise ModelError(f"{path}: not a usable ONNX model ({str(error).splitlines()[0][:200]})") from None
    names = tuple(i.name for i in session.get_inputs())
    outputs = session.get_outputs()
    if names != EXPECTED_INPUTS or len(outputs) != 1 or outputs[0].shape[-1] != NUM_CLASSES:
        raise ModelError(f"{path}: model inputs {names} / outputs {[o.shape for o in outputs]} do not match "
                         f"the CoComposer contract {EXPECTED_INPUTS} -> (batch, queries, {NUM_CLASSES})")
    if device == "cuda" and session.get_providers()[0] != "CUDAExecutionProvider":
        note = "CUDA was asked for but could not start; running on the CPU"
    card_path = path.with_suffix(".json")
    card = json.loads(card_path.read_text()) if card_path.is_file() else {}
    return ModelSession(path, session, card, note)
