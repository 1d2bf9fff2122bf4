"""The sentence encoder (core/extract/encoder.py): what it reads, how its stance probabilities join the linear
model, and that the committed int8 network runs offline and tells plain statements apart as a reader would."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from core.extract.encoder import ISSUE_ONNX_NAME, encoder_input, issue_input, load_encoder
from core.extract.features import analyse, candidates
from core.schema import ISSUES, STANCES
from tests.dashboard_data import ROOT


def _cands(nlp, text):
    infos = analyse(nlp(text), published="2022-02-14")
    return infos, candidates(infos)


def test_input_marks_the_actors_own_mentions(nlp):
    _, cands = _cands(nlp, "Russia accused NATO of stoking tensions. Moscow also demanded guarantees.")
    second = [c for c in cands if c.sent_index == 1 and c.actor == "Russia"][0]
    assert encoder_input(second) == "Russia: [Moscow] also demanded guarantees."
    nato = [c for c in cands if c.sent_index == 0 and c.actor == "NATO"][0]
    assert encoder_input(nato) == "NATO: Russia accused [NATO] of stoking tensions."


def test_the_issue_network_reads_the_stance_then_the_sentence():
    assert issue_input("Moscow  demanded\nguarantees.", "demand") == "demand: Moscow demanded guarantees."


def test_no_encoder_files_means_no_encoder(tmp_path):
    assert load_encoder(str(tmp_path)) is None


@pytest.fixture(scope="module")
def encoder():
    enc = load_encoder()
    assert enc is not None, "models/sentence_encoder.onnx and models/sentence_tokenizer.json must be committed"
    return enc


def test_probabilities_cover_the_stances_and_sum_to_one(encoder):
    probs = encoder.proba(["Russia: [Moscow] demanded that NATO withdraw its troops.",
                           "European Union: [The EU] pledged more money for refugees."], STANCES)
    assert probs.shape == (2, len(STANCES))
    assert set(encoder.labels) == set(STANCES)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-3)


def test_columns_follow_the_labels_asked_for(encoder):
    text = ["Ukraine: [Kyiv] rejected the plan."]
    asked = ["rejection", "demand", "no-such-stance"]
    got = encoder.proba(text, asked)[0]
    full = encoder.proba(text, STANCES)[0]
    assert got[0] == pytest.approx(full[STANCES.index("rejection")])
    assert got[1] == pytest.approx(full[STANCES.index("demand")])
    assert got[2] == 0.0


def test_batching_barely_moves_a_probability(encoder):
    # int8 dynamic quantisation scales activations per batch, so batch-mates move a score a little;
    # far less than two different sentences differ
    texts = ["Ukraine: [Kyiv] rejected the plan.", "NATO: " + "[The alliance] said it would respond firmly. " * 6]
    together = encoder.proba(texts, STANCES)
    alone = np.vstack([encoder.proba([t], STANCES) for t in texts])
    assert np.abs(together - alone).max() < 0.05
    assert np.abs(together[0] - together[1]).max() > 0.2


PLAIN = [  # (candidate text, the stance a reader gives it)
    ("Russia: [Russia] demanded that NATO withdraw its troops from Eastern Europe.", "demand"),
    ("Russia: [Russia] accused NATO of stoking tensions along its borders.", "accusation"),
    ("Ukraine: [Ukraine] flatly rejected the Russian proposal as unacceptable.", "rejection"),
    ("Russia: [The Kremlin] denied any plans to invade its neighbour.", "denial"),
    ("European Union: [The European Union] pledged its full support for Ukraine.", "support"),
    ("Russia: [Russia] said it was ready to continue talks with the United States.", "dialogue"),
]


def test_the_encoder_reads_plain_statements_as_a_reader_would(encoder):
    from core.extract.classifier import load_model

    model = load_model()
    assert model is not None and model.uses_encoder()
    probs = encoder.proba([t for t, _ in PLAIN], model.stance.labels)
    top = [model.stance.labels[int(np.argmax(row))] for row in probs]
    right = sum(t == want for t, (_, want) in zip(top, PLAIN, strict=True))
    assert right >= len(PLAIN) - 1, list(zip(top, [w for _, w in PLAIN], strict=True))


def test_the_encoder_changes_no_candidate_the_holder_model_drops(nlp, encoder):
    from core.extract.classifier import load_model

    model = load_model()
    _, cands = _cands(nlp, "Russia demanded that NATO pull back. Ukraine, NATO and the EU met in Brussels.")
    with_enc = model.stance_proba(cands)
    weight, model.encoder_weight = model.encoder_weight, 0.0
    try:
        alone = model.stance_proba(cands)
    finally:
        model.encoder_weight = weight
    hold, _ = model.stance.parts([c.text for c in cands], [c.local for c in cands], [c.feats for c in cands])
    low = hold < model.encoder_min_hold()
    assert np.allclose(with_enc[low], alone[low])
    assert (with_enc.max(axis=1) <= hold + 1e-9).all()  # a stance is never surer than its holder


@pytest.mark.slow
def test_extraction_runs_with_the_network_refused():
    code = textwrap.dedent("""
        import socket
        def refuse(*a, **k):
            raise OSError("network refused by the test")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from core.extract.encoder import ISSUE_ONNX_NAME, load_encoder
        from core.extract.pipeline import extract_positions
        assert load_encoder() is not None and load_encoder(name=ISSUE_ONNX_NAME) is not None
        rows = extract_positions("Russia demanded that NATO withdraw its troops from Eastern Europe, "
                                 "Foreign Minister Sergei Lavrov said on Monday.", article_id="a", published="2022-02-14")
        print(len(rows), sorted(set(rows["stance"])))
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "demand" in done.stdout


@pytest.fixture(scope="module")
def issue_network():
    enc = load_encoder(name=ISSUE_ONNX_NAME)
    assert enc is not None, "models/issue_encoder.onnx must be committed"
    return enc


PLAIN_ISSUES = [  # (stance, sentence, the issue a reader gives it)
    ("warning", "The EU threatened new sanctions on Russian banks if Moscow attacks.", "sanctions"),
    ("demand", "Kyiv urged Germany to stop the gas pipeline from Russia.", "energy"),
    ("demand", "Ukraine asked its allies for more tanks and air defence systems.", "arms_supply"),
    ("dialogue", "The Kremlin said it was ready for another round of talks in Istanbul.", "negotiations"),
    ("accusation", "Kyiv accused Moscow of shelling the nuclear power plant.", "nuclear"),
    ("demand", "Russia demanded that the alliance rule out membership for Ukraine.", "nato_enlargement"),
    ("accusation", "Aid agencies said civilians were trapped without water or food in the besieged city.",
     "humanitarian"),
]


def test_the_issue_network_reads_plain_statements_as_a_reader_would(issue_network):
    probs = issue_network.proba([issue_input(t, s) for s, t, _ in PLAIN_ISSUES], ISSUES)
    assert set(issue_network.labels) == set(ISSUES)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-3)
    top = [ISSUES[int(np.argmax(row))] for row in probs]
    right = sum(t == want for t, (_, _, want) in zip(top, PLAIN_ISSUES, strict=True))
    assert right >= len(PLAIN_ISSUES) - 1, list(zip(top, [w for _, _, w in PLAIN_ISSUES], strict=True))


def test_the_issue_network_moves_issues_only_by_its_share():
    from core.extract.classifier import load_model

    model = load_model()
    assert model.issue_encoder_weight > 0
    items = [("Russia warned of consequences if the alliance expands further east.", "warning", {})]
    onto_energy = np.zeros((1, len(model.issue.labels)))
    onto_energy[0, model.issue.labels.index("energy")] = 1.0
    weight = model.issue_encoder_weight
    try:
        model.issue_encoder_weight = 0.0
        alone = model.issues_for(items, onto_energy)
        model.issue_encoder_weight = 1.0
        only_network = model.issues_for(items, onto_energy)
    finally:
        model.issue_encoder_weight = weight
    assert alone[0][0][0] != "energy"                   # the linear model alone reads enlargement, not gas
    assert only_network[0][0] == ("energy", 1.0)        # the network's say is exactly its share
