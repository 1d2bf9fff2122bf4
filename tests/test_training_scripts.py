"""The training scripts' own logic, on small made-up data: what the encoder is fine-tuned on, how it
is batched, and how its out-of-fold scores are matched back to the candidates (a mismatch must stop)."""
from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from core.schema import STANCES
from scripts.decision_study import micro_cuts, nested_rows, rows_of, top_only
from scripts.finetune_encoder import BATCH, batches, holders, issue_examples, scored
from scripts.train_model import attach_encoder_oof, attach_issue_oof, tune_thresholds

LABELS = ["accusation", "demand", "rejection"]


def _arts():
    return [{"id": "a", "fold": 0, "texts": ["Russia: x", "NATO: y", "Ukraine: z"], "y": [["demand"], [], ["demand", "rejection"]]},
            {"id": "b", "fold": 1, "texts": ["EU: w"], "y": [["accusation"]]}]


def test_only_position_holders_are_trained_on_with_their_stances_shared_out():
    texts, targets, folds = holders(_arts(), LABELS)
    assert texts == ["Russia: x", "Ukraine: z", "EU: w"]          # NATO holds no position there
    assert targets.tolist() == [[0, 1, 0], [0, 0.5, 0.5], [1, 0, 0]]
    assert folds.tolist() == [0, 0, 1]


def _issue_arts():
    return [{"id": "a", "fold": 0, "texts": ["Talks  resume.", "Gas flows stop."],
             "y": [[{"stance": "dialogue", "issues": ["negotiations"]}],
                   [{"stance": "warning", "issues": ["energy", "sanctions"]}, {"stance": "demand", "issues": ["energy"]}]]}]


def test_the_issue_network_learns_each_position_with_its_stance():
    texts, targets, folds = issue_examples(_issue_arts(), ["energy", "negotiations", "sanctions"])
    assert texts == ["dialogue: Talks resume.", "warning: Gas flows stop.", "demand: Gas flows stop."]
    assert targets.tolist() == [[0, 1, 0], [0.5, 0, 0.5], [1, 0, 0]]
    assert folds.tolist() == [0, 0, 0]


def test_the_issue_network_scores_every_sentence_under_every_stance():
    texts, gold = scored("issue", _issue_arts()[0], ["demand", "warning"])
    assert texts == ["demand: Talks resume.", "warning: Talks resume.", "demand: Gas flows stop.", "warning: Gas flows stop."]
    assert gold == [[], [], [["energy"]], [["energy", "sanctions"]]]   # the dialogue row is not among these stances


def test_issue_scores_follow_their_sentence_and_stance(tmp_path):
    pairs = tmp_path / "pairs.json"
    pairs.write_text(json.dumps({"issue_articles": [{"id": "a", "texts": ["One.", "Two."]}, {"id": "b", "texts": ["Three."]}]}))
    rows = np.arange(3 * len(STANCES) * 2, dtype=np.float32).reshape(-1, 2)
    np.save(tmp_path / "oof.npy", rows)
    info = SimpleNamespace
    data = [{"article": {"id": "b"}, "infos": [info(span=info(text="Three."))]},
            {"article": {"id": "a"}, "infos": [info(span=info(text="One.")), info(span=info(text="Two."))]}]
    attach_issue_oof(data, tmp_path / "oof.npy", pairs)
    assert data[0]["issue_enc"].shape == (1, len(STANCES), 2)
    assert data[0]["issue_enc"][0, 0].tolist() == rows[2 * len(STANCES)].tolist()     # b's first row follows a's
    assert data[1]["issue_enc"][1, 3].tolist() == rows[len(STANCES) + 3].tolist()   # a's second sentence, fourth stance
    data[1]["infos"][0] = info(span=info(text="One, edited."))
    with pytest.raises(SystemExit, match="dump the pairs"):
        attach_issue_oof(data, tmp_path / "oof.npy", pairs)


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


def _parts(linear, encoder, hold):
    n = len(hold)
    return {"labels": LABELS, "hold": np.array(hold, float), "linear": np.array(linear, float),
            "encoder": np.array(encoder, float), "article_id": np.array(["a"] * n),
            "sentence": np.array([f"Sentence number {i} here." for i in range(n)]), "actor": np.array(["Russia"] * n)}


def test_top_stance_only_drops_the_runner_up_unless_it_comes_close():
    parts = _parts(linear=[[0.5, 0.4, 0.1], [0.8, 0.1, 0.1]], encoder=[[0.5, 0.4, 0.1], [0.8, 0.1, 0.1]], hold=[1, 1])
    assert np.count_nonzero(top_only(parts)) == 2                      # one stance per candidate
    kept = top_only(parts, second_ratio=0.5)
    assert kept[0].tolist() == [0.5, 0.4, 0.0] and np.count_nonzero(kept[1]) == 1


def test_rows_are_the_stances_at_or_above_their_cut():
    parts = _parts(linear=[[0, 0, 0]], encoder=[[0, 0, 0]], hold=[1])
    rows = rows_of(parts, np.array([[0.3, 0.2, 0.6]]), {"accusation": 0.3, "demand": 0.25, "rejection": 0.5})
    assert [r["stance"] for r in rows] == ["accusation", "rejection"]
    assert rows[0]["sentence"] == "Sentence number 0 here." and rows[0]["actor"] == "Russia"


def test_cut_search_can_start_lower_for_rare_stances():
    probs = np.array([[0.1], [0.1], [0.02]])
    ys = [{"concession"}, {"concession"}, set()]
    assert tune_thresholds(probs, ys, ["concession"])["concession"] == 0.15   # nothing kept: the grid's first cut
    assert tune_thresholds(probs, ys, ["concession"], low=0.05)["concession"] == 0.05


def test_nested_cuts_never_see_the_articles_they_decide():
    """Five articles, one fold each: every fold's cuts are tuned on the other four articles' scores only, and
    each article's rows come from the cuts that did not see it."""
    parts = _parts(linear=[[0, 0, 0]] * 5, encoder=[[0, 0, 0]] * 5, hold=[1] * 5)
    parts["article_id"] = np.array([f"a{i}" for i in range(5)])
    parts["gold_sets"] = [set()] * 5
    probs = np.array([[0.1 * (i + 1), 0.0, 0.0] for i in range(5)])
    seen = []

    def tune(p, gold_sets):
        seen.append(sorted(np.round(p[:, 0], 1)))
        return {"accusation": 0.0, "demand": 0.5, "rejection": 0.5}
    rows = nested_rows(parts, probs, tune)
    every = set(np.round(probs[:, 0], 1))
    missing = [every - set(s) for s in seen]
    assert all(len(m) == 1 for m in missing) and set().union(*missing) == every   # each fold leaves out its own
    assert sorted(r["article_id"] for r in rows) == [f"a{i}" for i in range(5)]   # each article decided once


def test_cuts_chosen_together_do_not_lower_the_f1_over_all_stances():
    rng = np.random.default_rng(3)
    probs = rng.random((300, 3))
    gold = [{LABELS[j] for j in range(3) if probs[i, j] + rng.normal(0, 0.3) > 0.8} for i in range(300)]
    start = tune_thresholds(probs, gold, LABELS)

    def f1(cuts):
        pred = [{LABELS[j] for j in range(3) if probs[i, j] >= cuts[LABELS[j]]} for i in range(300)]
        tp = sum(len(p & g) for p, g in zip(pred, gold, strict=True))
        return 2 * tp / (sum(map(len, pred)) + sum(map(len, gold)))
    assert f1(micro_cuts(probs, gold, LABELS, start)) >= f1(start)
