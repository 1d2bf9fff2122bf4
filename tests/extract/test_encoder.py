"""The sentence encoder (core/extract/encoder.py): what it reads, how its stance head joins the linear model,
and that the committed int8 model runs offline and tells plain statements apart as a reader would."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from core.extract.encoder import DIM, encoder_input, load_encoder
from core.extract.features import analyse, candidates
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


def test_no_encoder_files_means_no_encoder(tmp_path):
    assert load_encoder(str(tmp_path)) is None


@pytest.fixture(scope="module")
def encoder():
    enc = load_encoder()
    assert enc is not None, "models/sentence_encoder.onnx and models/sentence_tokenizer.json must be committed"
    return enc


def test_vectors_are_unit_length_and_follow_meaning(encoder):
    vec = encoder.embed(["Russia: Moscow demanded that NATO withdraw its troops.",
                         "Russia: The Kremlin insisted that the alliance pull its forces back.",
                         "European Union: The EU pledged more money for refugees."])
    assert vec.shape == (3, DIM)
    assert np.allclose(np.linalg.norm(vec, axis=1), 1.0, atol=1e-4)
    assert vec[0] @ vec[1] > vec[0] @ vec[2]  # two demands of a pull-back are closer than a pledge of aid


def test_batching_barely_moves_a_vector(encoder):
    # int8 dynamic quantisation scales activations per batch, so batch-mates move a vector a little;
    # far less than two different sentences differ
    texts = ["Ukraine: Kyiv rejected the plan.", "NATO: " + "The alliance said it would respond firmly. " * 6]
    together = encoder.embed(texts)
    alone = np.vstack([encoder.embed([t]) for t in texts])
    assert ((together * alone).sum(axis=1) > 0.98).all()
    assert together[0] @ together[1] < 0.9


PLAIN = [  # (candidate text, the stance a reader gives it)
    ("Russia: [Russia] demanded that NATO withdraw its troops from Eastern Europe.", "demand"),
    ("Russia: [Russia] accused NATO of stoking tensions along its borders.", "accusation"),
    ("Ukraine: [Ukraine] flatly rejected the Russian proposal as unacceptable.", "rejection"),
    ("Russia: [The Kremlin] denied any plans to invade its neighbour.", "denial"),
    ("European Union: [The European Union] pledged its full support for Ukraine.", "support"),
    ("Russia: [Russia] said it was ready to continue talks with the United States.", "dialogue"),
]


def test_the_stance_head_reads_plain_statements_as_a_reader_would(encoder):
    from core.extract.classifier import load_model

    model = load_model()
    assert model is not None and model.uses_encoder()
    probs = model.head_proba(encoder.embed([t for t, _ in PLAIN]))
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-6)
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
        from core.extract.encoder import load_encoder
        from core.extract.pipeline import extract_positions
        assert load_encoder() is not None
        rows = extract_positions("Russia demanded that NATO withdraw its troops from Eastern Europe, "
                                 "Foreign Minister Sergei Lavrov said on Monday.", article_id="a", published="2022-02-14")
        print(len(rows), sorted(set(rows["stance"])))
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "demand" in done.stdout
