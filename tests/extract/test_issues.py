"""Issue tagging by the lexicon and the data file's validation (sentences written for these tests)."""
from __future__ import annotations

import json

import pytest

from core.extract.issues import ISSUE_FIELDS, issue_context, issue_hits, lexicon_issues
from core.extract.stance import CUE_FIELDS, load_cues
from core.rules.datafiles import DataFileError, load_records

CASES = [
    ("Moscow wants a promise that Kyiv will never join NATO.", "nato_enlargement"),
    ("The Pentagon will deploy more troops to the eastern flank.", "military_posture"),
    ("Russia sent draft treaties with legally binding security guarantees.", "security_guarantees"),
    ("The delegations will hold talks in Geneva next week.", "negotiations"),
    ("Officials warned of an invasion within days.", "invasion_war"),
    ("The EU prepared new sanctions against Russian banks.", "sanctions"),
    ("Moscow annexed Crimea in 2014.", "territory"),
    ("Berlin promised more weapons deliveries to Kyiv.", "arms_supply"),
    ("The Nord Stream pipeline was halted.", "energy"),
    ("Both sides agreed on humanitarian corridors for civilians.", "humanitarian"),
    ("Medvedev raised the spectre of nuclear weapons.", "nuclear"),
]


@pytest.mark.parametrize("text,issue", CASES)
def test_lexicon_tags_issue(text, issue):
    assert issue in issue_hits(text)


def test_nothing_is_other():
    assert lexicon_issues("The weather was fine.") == ["other"]


def test_context_marks_neighbours():
    ctx = issue_context(["Talks resumed.", "He said it was good.", "The sanctions stay."])
    assert ctx[1]["nb=negotiations"] == 0.5 and ctx[1]["nb=sanctions"] == 0.5
    assert "art=negotiations" in ctx[0]


def test_shipped_data_files_validate():
    assert load_cues() and load_records("issues.jsonl", ISSUE_FIELDS)


@pytest.mark.parametrize("record,message", [
    ({"id": "x", "issue": "weather", "pattern": "rain"}, "allowed"),
    ({"id": "x", "issue": "energy", "pattern": "(gas"}, "regular expression"),
])
def test_broken_issue_record_names_file_and_line(tmp_path, record, message):
    path = tmp_path / "issues.jsonl"
    path.write_text(json.dumps({"id": "ok", "issue": "energy", "pattern": "gas"}) + "\n" + json.dumps(record) + "\n")
    with pytest.raises(DataFileError, match=rf"issues.jsonl:2: .*{message}"):
        load_records(path, ISSUE_FIELDS)


def test_broken_cue_record_names_file_and_line(tmp_path):
    path = tmp_path / "cues.jsonl"
    path.write_text("// comment\n" + json.dumps({"id": "c", "stance": "praise", "pattern": "x"}) + "\n")
    with pytest.raises(DataFileError, match=r"cues.jsonl:2: .*stance"):
        load_records(path, CUE_FIELDS)
