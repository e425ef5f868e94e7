"""A page's features for the page scorer: what its blocks' class probabilities say (the likeliest
sponsored block, where it sits, whether it speaks of the page itself, how many blocks agree)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .features import BlockRow
from .lexicon import has_self_reference

__all__ = ["PAGE_FEATURE_NAMES", "page_features"]


PAGE_FEATURE_NAMES = [
    "max_sponsored",
    "second_sponsored",
    "sum_sponsored",
    "max_sponsored_other",
    "max_affiliate",
    "max_disclaimer",
    "top_position",
    "top_position_edge",
    "top_link_density",
    "top_log_words",
    "log_blocks",
    "bias_logit_max",
    "top_self_reference",
    "max_sponsored_self_reference",
    "max_sponsored_at_edges",
    "n_sponsored_over_half",
]


def page_features(proba: np.ndarray, rows: Sequence[BlockRow], classes: Sequence[str]) -> np.ndarray:
    """A page's features from its blocks' class probabilities (rows in the same order)."""
    ci = {c: i for i, c in enumerate(classes)}
    out = np.zeros(len(PAGE_FEATURE_NAMES), dtype=np.float64)
    if len(rows) == 0:
        return out
    def col(name: str) -> np.ndarray:
        return proba[:, ci[name]] if name in ci else np.zeros(len(rows))

    ps = col("sponsored")
    order = np.argsort(-ps)
    top = int(order[0])
    r = rows[top]
    out[0] = ps[top]
    out[1] = ps[order[1]] if len(order) > 1 else 0.0
    out[2] = min(3.0, float(ps.sum()))
    out[3] = float(col("sponsored_other").max())
    out[4] = float(col("affiliate").max())
    out[5] = float(col("disclaimer").max())
    out[6] = r.position
    out[7] = min(r.position, 1 - r.position)
    out[8] = r.link_density
    out[9] = math.log1p(r.n_words) / 6
    out[10] = math.log1p(len(rows)) / 6
    p = min(max(ps[top], 1e-6), 1 - 1e-6)
    out[11] = math.log(p / (1 - p)) / 10
    candidates = [int(i) for i in order[:8] if ps[i] > 0.05]
    selfref = [ps[i] for i in candidates if has_self_reference(rows[i].text)]
    out[12] = 1.0 if has_self_reference(r.text) else 0.0
    out[13] = max(selfref, default=0.0)
    out[14] = max((ps[i] for i in candidates if min(rows[i].position, 1 - rows[i].position) < 0.15), default=0.0)
    out[15] = min(5, int((ps > 0.5).sum())) / 5
    return out
