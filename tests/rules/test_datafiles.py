"""Every data file under core/data validates; a broken record is reported with its file and line."""
from __future__ import annotations

import json

import pytest

from core.extract.actors import ACTORS_FILE, load_actor_records
from core.rules.datafiles import DATA_DIR, DataFileError, load_records


def test_every_data_file_is_valid_jsonl_with_unique_ids():
    for path in sorted(DATA_DIR.glob("*.jsonl")):
        ids = [r["id"] for r in load_records(path, [], allow_extra=True)]
        assert len(ids) == len(set(ids)), path


def test_actor_registry_validates():
    records = load_actor_records(ACTORS_FILE)
    assert any(r["kind"] == "person" and r["name"] == "Sergei Lavrov" for r in records)


def _write(tmp_path, lines):
    path = tmp_path / "actors.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD_STATE = json.dumps({"id": "russia", "kind": "state", "name": "Russia", "aliases": ["Moscow"]})


@pytest.mark.parametrize("bad, message", [
    ('{"id": "x", "kind": "state", "name": "X"', "not valid JSON"),
    ('{"kind": "state", "name": "X"}', "non-empty string 'id'"),
    ('{"id": "x", "kind": "planet", "name": "X"}', "allowed"),
    ('{"id": "russia", "kind": "state", "name": "Again"}', "already used on line 2"),
    ('{"id": "p-x", "kind": "person", "name": "A B", "actor": "Mars", "aliases": ["B"]}', "not a known"),
    ('{"id": "p-y", "kind": "person", "name": "A B", "actor": "Russia", "aliases": ["B"],'
     ' "roles": [{"role": "president", "of": "Russia", "from": "2020-13"}]}', "YYYY-MM-DD"),
    ('{"id": "z", "kind": "state", "name": "Z", "aliases": "Zed"}', "must be list"),
    ('{"id": "g", "kind": "group", "name": "G", "aliases": ["G"], "members": ["Russia", "Mars"]}', "two or more"),
    ('{"id": "g", "kind": "group", "name": "G", "aliases": ["G"], "members": ["Russia"]}', "two or more"),
])
def test_broken_record_names_file_and_line(tmp_path, bad, message):
    path = _write(tmp_path, ["// comment", GOOD_STATE, bad])
    with pytest.raises(DataFileError) as err:
        load_actor_records(path)
    assert f"{path}:3" in str(err.value)
    assert message in str(err.value)
