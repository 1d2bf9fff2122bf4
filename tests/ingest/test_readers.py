"""Reading articles: every format, and every kind of bad input named and skipped. Texts written for these tests."""
from __future__ import annotations

import json

import pytest

from core.ingest import readers
from core.ingest.language import guess_language, is_english
from core.ingest.readers import make_article_id, markdown_to_text, read_inputs

EN = ("Moscow demanded that NATO halt its expansion. The alliance rejected the demand on Monday, "
      "and the foreign minister said that Russia would respond to any new deployment near its borders.")
EN2 = ("Kyiv said it was ready to talk to Moscow. The president told reporters that any talks would have to "
       "respect the territory of Ukraine and that the country would not give up its path to the alliance.")
DE = ("Die Bundesregierung hat am Montag erklärt, dass sie die Ukraine weiter mit Waffen unterstützen wird "
      "und die Sanktionen gegen Russland nicht aufheben will, solange der Krieg andauert.")
RU = "Россия потребовала от НАТО прекратить расширение на восток, заявил министр иностранных дел в понедельник."


def record(**kw) -> dict:
    base = {"id": "a1", "title": "Kremlin demands", "outlet": "Example News", "published": "2022-02-14",
            "url": "https://example.org/a1", "text": EN}
    base.update(kw)
    return base


def jsonl(path, *records_or_lines) -> str:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records_or_lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def reasons(result) -> list[str]:
    return [str(p) for p in result.problems]


# ---------------------------------------------------------------- formats

def test_jsonl_corpus_file(tmp_path):
    res = read_inputs([jsonl(tmp_path / "c.jsonl", record(), record(id="a2", text=EN2))])
    assert [a["article_id"] for a in res.articles] == ["a1", "a2"]
    assert res.articles[0] == {"article_id": "a1", "title": "Kremlin demands", "outlet": "Example News",
                               "url": "https://example.org/a1", "published": "2022-02-14", "text": EN,
                               "source": f"{tmp_path / 'c.jsonl'}:1"}
    assert res.problems == []


def test_broken_json_line_named_rest_kept(tmp_path):
    path = jsonl(tmp_path / "c.jsonl", record(), '{"id": "a2", "text": "unterminated', record(id="a3", text=EN2))
    res = read_inputs([path])
    assert [a["article_id"] for a in res.articles] == ["a1", "a3"]
    (problem,) = res.problems
    assert problem.source == path and problem.line == 2 and "broken JSON" in problem.reason


def test_csv_corpus_file(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('id,title,outlet,published,url,text\na1,T,Example,2022-02-14,,"' + EN + '"\n', encoding="utf-8")
    (art,) = read_inputs([path]).articles
    assert art["article_id"] == "a1" and art["url"] is None and art["text"] == EN


def test_csv_without_text_column(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,published\na1,2022-02-14\n", encoding="utf-8")
    res = read_inputs([path])
    assert not res.articles and "no 'text' column" in res.problems[0].reason


def test_json_array_file(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps([record(), record(id="a2", text=EN2)]), encoding="utf-8")
    assert len(read_inputs([path]).articles) == 2


def test_txt_needs_published_and_gets_a_stable_id(tmp_path):
    path = tmp_path / "Kremlin Demands!.txt"
    path.write_text(EN + "\n", encoding="utf-8")
    res = read_inputs([path])
    assert not res.articles and "no publication date; pass --published YYYY-MM-DD" in res.problems[0].reason
    (art,) = read_inputs([path], published="2022-02-14").articles
    assert art["published"] == "2022-02-14" and art["text"] == EN
    assert art["article_id"].startswith("kremlin-demands-") and art["article_id"] == make_article_id(path, EN)


def test_markdown_title_and_text(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ndate: 2022-02-14\nsource: https://example.org/a\n---\n# Kremlin demands\n\n"
                    f"**Moscow** demanded that [NATO](https://nato.int) halt its expansion.\n\n- {EN2}\n",
                    encoding="utf-8")
    (art,) = read_inputs([path]).articles
    assert art["title"] == "Kremlin demands" and art["published"] == "2022-02-14"
    assert art["url"] == "https://example.org/a"
    assert art["text"].startswith("Moscow demanded that NATO halt its expansion.")
    assert "#" not in art["text"] and "*" not in art["text"] and "](" not in art["text"]


def test_markdown_to_text():
    assert markdown_to_text("## Talks\n\n> *Russia* said `no`.\n\n1. One\n---\n![x](y.png)") == "Talks\n\nRussia said no.\n\nOne"


def test_html_with_metadata(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Kremlin demands - Example News</title>"
        '<meta property="og:title" content="Kremlin demands">'
        '<meta property="og:site_name" content="Example News">'
        '<meta property="og:url" content="https://example.org/a">'
        '<meta name="date" content="2022-02-14"></head><body><nav>Home | World</nav><article>'
        f"<h1>Kremlin demands</h1><p>{EN}</p><p>{EN2}</p></article></body></html>", encoding="utf-8")
    (art,) = read_inputs([path]).articles
    assert art["title"] == "Kremlin demands" and art["outlet"] == "Example News"
    assert art["url"] == "https://example.org/a" and art["published"] == "2022-02-14"
    assert art["text"].startswith("Moscow demanded") and "Home | World" not in art["text"]


def test_folder_read_recursively(tmp_path):
    (tmp_path / "sub").mkdir()
    jsonl(tmp_path / "sub" / "c.jsonl", record())
    (tmp_path / "b.txt").write_text(EN2, encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    res = read_inputs([tmp_path], published="2022-02-15")
    assert sorted(a["published"] for a in res.articles) == ["2022-02-14", "2022-02-15"]
    assert res.problems == []  # files of other types in a folder are not inputs


# ---------------------------------------------------------------- bad input

def test_folder_without_readable_files(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    res = read_inputs([tmp_path])
    assert not res.articles and "folder holds no readable files" in res.problems[0].reason


def test_folder_names_the_files_it_skips(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "sub" / "report.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "README").write_text("notes", encoding="utf-8")
    res = read_inputs([tmp_path], published="2022-02-14")
    assert len(res.articles) == 1 and res.problems == []
    (note,) = res.notes
    assert note.source == str(tmp_path) and note.reason.startswith("skipped 3 files of types Parley does not read")
    assert "(no extension) x1: README" in note.reason and ".pdf x1: sub/report.pdf" in note.reason
    assert ".png x1: photo.png" in note.reason


def test_missing_empty_binary_unsupported(tmp_path):
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "blob.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4")
    paths = [tmp_path / "nope.jsonl", tmp_path / "empty.txt", tmp_path / "blob.jsonl", tmp_path / "doc.pdf"]
    res = read_inputs(paths, published="2022-02-14")
    assert not res.articles
    got = {p.source.rsplit("/", 1)[-1]: p.reason for p in res.problems}
    assert "file not found" in got["nope.jsonl"]
    assert "empty file" in got["empty.txt"]
    assert "binary file" in got["blob.jsonl"]
    assert "unsupported file type '.pdf'" in got["doc.pdf"]


@pytest.mark.parametrize("encoding, data, used", [
    ("latin-1", "Moscow said the café talks would go on. " + EN, "cp1252"),
    ("utf-8-sig", "Moscow said the café talks would go on. " + EN, None),
    ("utf-16", "Moscow said the café talks would go on. " + EN, "utf-16"),
    ("utf-16-le", "Moscow said the café talks would go on. " + EN, "utf-16-le"),  # no byte-order mark
    ("utf-16-be", "Moscow said the café talks would go on. " + EN, "utf-16-be"),
])
def test_encodings(tmp_path, encoding, data, used):
    path = tmp_path / "a.txt"
    path.write_bytes(data.encode(encoding))
    res = read_inputs([path], published="2022-02-14")
    (art,) = res.articles
    assert art["text"] == data
    if used:
        (note,) = res.notes
        assert used in note.reason and note.source == str(path)
    else:
        assert res.notes == []


def test_missing_text_and_dates(tmp_path):
    path = jsonl(tmp_path / "c.jsonl", record(text=""), record(id="a2", published=None, text=EN2),
                 record(id="a3", published="14/02/2022", text=EN + " Again."))
    res = read_inputs([path])
    assert not res.articles
    assert [p.line for p in res.problems] == [1, 2, 3]
    assert "no article text" in res.problems[0].reason
    assert "no publication date; pass --published YYYY-MM-DD" in res.problems[1].reason
    assert "'14/02/2022' is not a date; pass --published" in res.problems[2].reason
    kept = read_inputs([path], published="2022-02-20").articles
    assert [a["published"] for a in kept] == ["2022-02-20", "2022-02-20"]


def test_timestamps_are_read_as_dates(tmp_path):
    (art,) = read_inputs([jsonl(tmp_path / "c.jsonl", record(published="2022-02-14T09:30:00Z"))]).articles
    assert art["published"] == "2022-02-14"


def test_invalid_published_option(tmp_path):
    res = read_inputs([jsonl(tmp_path / "c.jsonl", record())], published="yesterday")
    assert len(res.articles) == 1 and "'yesterday' is not a date; use YYYY-MM-DD" in reasons(res)[0]


def test_non_english_skipped(tmp_path):
    path = jsonl(tmp_path / "c.jsonl", record(), record(id="de", text=DE), record(id="ru", text=RU))
    res = read_inputs([path])
    assert [a["article_id"] for a in res.articles] == ["a1"]
    assert "not English (it looks like German)" in res.problems[0].reason
    assert "Russian or Ukrainian" in res.problems[1].reason


def test_size_limits(tmp_path, monkeypatch):
    path = jsonl(tmp_path / "c.jsonl", record())
    monkeypatch.setattr(readers, "MAX_ARTICLE_CHARS", 100)
    assert "over the 100 limit" in read_inputs([path]).problems[0].reason
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 50)
    assert "MB limit" in read_inputs([path]).problems[0].reason


def test_duplicates_by_id_and_by_text(tmp_path):
    path = jsonl(tmp_path / "c.jsonl", record(), record(title="Other"), record(id="a2", text=EN.upper() + "  "))
    res = read_inputs([path])
    assert [a["article_id"] for a in res.articles] == ["a1"]
    assert "duplicate article id 'a1'" in res.problems[0].reason and res.problems[0].line == 2
    assert "same text as article 'a1'" in res.problems[1].reason and res.problems[1].line == 3


def test_problem_str_names_file_and_line():
    assert str(readers.Problem("c.jsonl", 2, "broken JSON")) == "c.jsonl:2: broken JSON"
    assert str(readers.Problem("a.txt", None, "empty file")) == "a.txt: empty file"


# ---------------------------------------------------------------- language

@pytest.mark.parametrize("text, code", [
    (EN, "en"), (DE, "de"), (RU, "ru"),
    ("Україна не визнає окупацію Криму, заявив президент у понеділок під час зустрічі з журналістами.", "ru"),
    ("Le gouvernement français a déclaré lundi que la France continuera de soutenir l'Ukraine et que les "
     "sanctions contre la Russie ne seront pas levées.", "fr"),
    ("El gobierno de España dijo el lunes que seguirá apoyando a Ucrania y que las sanciones contra Rusia "
     "no se levantarán por ahora.", "es"),
])
def test_guess_language(text, code):
    assert guess_language(text).code == code
    assert is_english(text) == (code == "en")


def test_short_text_counts_as_english():
    assert is_english("NATO summit") and guess_language("NATO summit").code == "unknown"


@pytest.mark.parametrize("given, hinted", [("www.bbc.com/news/1", True), ("example.org", True),
                                           ("missing.jsonl", False), ("data/missing.txt", False)])
def test_a_url_without_its_scheme_is_hinted(tmp_path, given, hinted):
    reason = read_inputs([given]).problems[0].reason
    assert reason.startswith("file not found; check the path")
    assert ("https://" in reason) == hinted


def test_a_broken_json_document_is_one_problem_with_its_place(tmp_path):
    path = tmp_path / "c.json"
    path.write_text('[\n  {"id": "a1",\n   "published": "2022-02-14",\n   "text": "x",}\n]\n', encoding="utf-8")
    res = read_inputs([path])
    assert len(res.problems) == 1 and res.problems[0].line is None, [str(p) for p in res.problems]
    assert "not valid JSON" in res.problems[0].reason and "line 4" in res.problems[0].reason


def test_json_lines_misnamed_json_are_still_read_line_by_line(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(record()) + "\n{broken\n" + json.dumps(record(id="a2", text=EN2)) + "\n",
                    encoding="utf-8")
    res = read_inputs([path])
    assert [a["article_id"] for a in res.articles] == ["a1", "a2"] and res.problems[0].line == 2


def test_utf8_mark_on_cp1252_text_keeps_its_letters(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbf" + EN.replace("Monday", "Montag caf\xe9").encode("cp1252"))
    res = read_inputs([path], published="2022-02-14")
    assert "café" in res.articles[0]["text"] and "\ufffd" not in res.articles[0]["text"]
    assert "read as cp1252" in res.notes[0].reason
