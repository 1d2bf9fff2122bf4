"""The training scripts' own logic, on small made-up data: what the encoder is fine-tuned on, how it
is batched, and how its out-of-fold scores are matched back to the candidates (a mismatch must stop)."""
from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from scripts.finetune_encoder import BATCH, batches, holders
from scripts.train_model import attach_encoder_oof

LABELS = ["accusation", "demand", "rejection"]


def _arts():
    return [{"id": "a", "fold": 0, "texts": ["Russia: x", "NATO: y", "Ukraine: z"], "y": [["demand"], [], ["demand", "rejection"]]},
            {"id": "b", "fold": 1, "texts": ["EU: w"], "y": [["accusation"]]}]


def test_only_position_holders_are_trained_on_with_their_stances_shared_out():
    texts, targets, folds = holders(_arts(), LABELS)
    assert texts == ["Russia: x", "Ukraine: z", "EU: w"]          # NATO holds no position there
    assert targets.tolist() == [[0, 1, 0], [0, 0.5, 0.5], [1, 0, 0]]
    assert folds.tolist() == [0, 0, 1]


def test_batches_cover_every_example_once_and_group_similar_lengths():
    rng = np.random.default_rng(0)
    lengths = list(rng.integers(5, 120, size=200))
    got = batches(lengths, rng)
    flat = np.concatenate(got)
    assert sorted(flat.tolist()) == list(range(200))
    assert all(len(b) <= BATCH for b in got)
    spread = np.mean([np.ptp(np.asarray(lengths)[b]) for b in got])
    assert spread < 20   # random batches would spread over most of 5..120


def _cand(text):
    # encoder_input reads the actor and the sentence, with no mentions to mark
    return SimpleNamespace(actor="Russia", text=text, mentions=[], sentence=SimpleNamespace(start_char=0))


def _setup(tmp_path, rows):
    pairs = tmp_path / "pairs.json"
    pairs.write_text(json.dumps({"articles": [{"id": "a", "texts": ["Russia: one", "Russia: two"]},
                                              {"id": "b", "texts": ["Russia: three"]}]}))
    oof = tmp_path / "oof.npy"
    np.save(oof, np.asarray(rows, dtype=np.float32))
    return oof, pairs


def test_out_of_fold_scores_follow_their_candidates(tmp_path):
    oof, pairs = _setup(tmp_path, [[1, 0], [0, 1], [0.5, 0.5]])
    data = [{"article": {"id": "b"}, "cands": [_cand("three")]},
            {"article": {"id": "a"}, "cands": [_cand("two"), _cand("one")]}]
    attach_encoder_oof(data, oof, pairs)
    assert data[0]["enc"].tolist() == [[0.5, 0.5]]
    assert data[1]["enc"].tolist() == [[0, 1], [1, 0]]


def test_scores_for_other_candidates_stop_training(tmp_path):
    oof, pairs = _setup(tmp_path, [[1, 0], [0, 1], [0.5, 0.5]])
    data = [{"article": {"id": "a"}, "cands": [_cand("changed"), _cand("one")]}]
    with pytest.raises(SystemExit, match="dump the pairs"):
        attach_encoder_oof(data, oof, pairs)


def test_scores_of_another_pairs_file_stop_training(tmp_path):
    oof, pairs = _setup(tmp_path, [[1, 0], [0, 1]])
    with pytest.raises(SystemExit, match="fine-tune again"):
        attach_encoder_oof([], oof, pairs)
