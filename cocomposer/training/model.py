"""The two-stream (XLNet-style) cell transformer: one network for any mask and any decoding order.

Cells (frame, voice) are tokens. A content stream carries each cell's value; a query stream, which
never sees a cell's own value, predicts it. The `rank` input decides visibility: a cell's query
attends to the content of every cell of strictly lower rank (rank 0 = given), and its content to
cells of equal or lower rank. Chronological ranks give the exact autoregressive likelihood in one
pass; all-equal ranks give parallel infilling conditionals for mask-predict decoding.
Attention is biased by frame distance (ALiBi), so windows longer than those trained on still work.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

from cocomposer.ai.vocabulary import NUM_CLASSES, NUM_INPUT_TOKENS, NUM_VOICES

MASKED_SCORE = -1e9


@dataclass
class ModelConfig:
    d_model: int = 128
    n_heads: int = 4
    n_layers: int = 6
    d_ff: int = 512
    dropout: float = 0.1

    def to_dict(self) -> dict:
        return asdict(self)


class TwoStreamBlock(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        d = config.d_model
        self.n_heads = config.n_heads
        self.scale = 1.0 / math.sqrt(config.d_model // config.n_heads)  # a constant, so the ONNX graph computes none
        self.norm_attention = nn.LayerNorm(d)
        self.query = nn.Linear(d, d)
        self.key = nn.Linear(d, d)
        self.value = nn.Linear(d, d)
        self.out = nn.Linear(d, d)
        self.norm_ff = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, config.d_ff), nn.GELU(), nn.Linear(config.d_ff, d))
        self.dropout = nn.Dropout(config.dropout)
        self.memory = nn.Parameter(torch.randn(d) * 0.02)  # a key every cell may attend to

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape
        return x.view(b, n, self.n_heads, d // self.n_heads).transpose(1, 2)

    def _attend(self, x: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        q = self._heads(self.query(x))
        # The fused kernel is about twice as fast on CPU as matmul + softmax, and exports to the same graph.
        mixed = F.scaled_dot_product_attention(q, keys, values, attn_mask=bias.to(q.dtype), scale=self.scale)
        b, h, n, dh = mixed.shape
        return self.out(mixed.transpose(1, 2).reshape(b, n, h * dh))

    def _feed_forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.dropout(self.ff(self.norm_ff(x)))

    def forward(self, content, query, content_bias, query_bias, update_content: bool = True):
        normed_content = self.norm_attention(content)
        memory = self.memory.expand(content.shape[0], 1, -1)
        kv_input = torch.cat([memory, normed_content], dim=1)
        keys, values = self._heads(self.key(kv_input)), self._heads(self.value(kv_input))
        query = query + self.dropout(self._attend(self.norm_attention(query), keys, values, query_bias))
        query = self._feed_forward(query)
        if update_content:
            content = content + self.dropout(self._attend(normed_content, keys, values, content_bias))
            content = self._feed_forward(content)
        return content, query


class TwoStreamModel(nn.Module):
    """tokens, rank: (B, T, 4) int64; beat_phase: (B,) int64 -> log-probabilities (B, T, 4, NUM_CLASSES)."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        d = config.d_model
        self.token_embedding = nn.Embedding(NUM_INPUT_TOKENS, d)
        self.voice_embedding = nn.Embedding(NUM_VOICES, d)
        self.phase_embedding = nn.Embedding(4, d)
        self.query_start = nn.Parameter(torch.randn(d) * 0.02)
        self.blocks = nn.ModuleList(TwoStreamBlock(config) for _ in range(config.n_layers))
        self.final_norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, NUM_CLASSES)
        slopes = torch.tensor([2.0 ** (-8.0 * (i + 1) / config.n_heads) for i in range(config.n_heads)])
        self.register_buffer("alibi_slopes", slopes * 4.0, persistent=False)  # per frame

    def forward(self, tokens: torch.Tensor, rank: torch.Tensor, beat_phase: torch.Tensor) -> torch.Tensor:
        """Grid form: every cell is both context (content) and query."""
        batch, frames, voices = tokens.shape
        frame = torch.arange(frames, device=tokens.device).repeat_interleave(voices).expand(batch, -1)
        voice = torch.arange(voices, device=tokens.device).repeat(frames).expand(batch, -1)
        flat_rank = rank.reshape(batch, -1)
        log_probs = self.forward_cells(tokens.reshape(batch, -1), flat_rank, frame, voice,
                                       flat_rank, frame, voice, beat_phase)
        return log_probs.view(batch, frames, voices, NUM_CLASSES)

    def forward_cells(self, context_tokens, context_rank, context_frame, context_voice,
                      query_rank, query_frame, query_voice, beat_phase) -> torch.Tensor:
        """Cell-list form: K context cells (values known to later ranks) and M query cells to predict.

        All int64, (B, K) and (B, M); frames are absolute 16th indices within the window. A query sees
        the context cells of strictly lower rank; a context cell sees those of equal or lower rank.
        Returns (B, M, NUM_CLASSES) log-probabilities.
        """
        def position(frame, voice):
            phase = (frame + beat_phase.unsqueeze(1)) % 4
            return self.voice_embedding(voice) + self.phase_embedding(phase)

        content = self.token_embedding(context_tokens) + position(context_frame, context_voice)
        query = self.query_start + position(query_frame, query_voice)
        key_rank = torch.cat([torch.full_like(context_rank[:, :1], -1), context_rank], dim=1)
        key_frame = torch.cat([context_frame[:, :1], context_frame], dim=1)
        memory_column = torch.zeros_like(key_rank, dtype=content.dtype)
        memory_column[:, 0] = 1.0
        zero = torch.zeros((), dtype=content.dtype, device=content.device)
        masked = torch.full((), MASKED_SCORE, dtype=content.dtype, device=content.device)

        def bias(rank_rows, frame_rows, strictly_lower: bool):
            visible = key_rank.unsqueeze(1) < rank_rows.unsqueeze(2) if strictly_lower \
                else key_rank.unsqueeze(1) <= rank_rows.unsqueeze(2)
            distance = (frame_rows.unsqueeze(2) - key_frame.unsqueeze(1)).abs().to(content.dtype)
            distance = distance * (1.0 - memory_column.unsqueeze(1))  # the memory key sits at no distance
            alibi = -self.alibi_slopes.view(1, -1, 1, 1) * distance.unsqueeze(1)
            return torch.where(visible, zero, masked).unsqueeze(1) + alibi

        content_bias = bias(context_rank, context_frame, strictly_lower=False)
        query_bias = bias(query_rank, query_frame, strictly_lower=True)
        last = len(self.blocks) - 1
        for i, block in enumerate(self.blocks):
            content, query = block(content, query, content_bias, query_bias, update_content=i < last)
        return F.log_softmax(self.head(self.final_norm(query)), dim=-1)
