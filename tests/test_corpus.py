"""Tests for ``analysis.corpus``: the accepted layouts, the tables and hashes, and one test per kind
of bad input, asserting the one-line message names the file (and row)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.corpus import (
    TABLE_COLUMNS,
    Document,
    corpus_hash,
    documents_table,
    load_corpus,
    text_hash,
)
from analysis.errors import CorpusError, CorpusWarning

# A happy path that warns is a bug; pytest.warns still records the warnings a test expects.
pytestmark = pytest.mark.filterwarnings("error::analysis.errors.CorpusWarning")

ROCKET_MAN = "Such is the leader known as the \u201cRocket Man\u201d \u2013 unpredictable."


def write(path: Path, content: str | bytes) -> Path:
    """Write ``content`` byte for byte (str as UTF-8, newlines untranslated)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return write(path, buffer.getvalue())


def write_jsonl(path: Path, records: list[object]) -> Path:
    return write(path, "".join(json.dumps(record) + "\n" for record in records))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A corpus folder with two documents, and files that must be ignored."""
    corpus = tmp_path / "corpus"
    write(corpus / "b.md", "# Second\n\nBody of b.\n")
    write(corpus / "a.txt", "First article.\r\nWith a Windows newline.  \n")
    write(corpus / ".hidden.txt", "editor backup")
    write(corpus / "notes.pdf", b"%PDF-1.4\x00\x01\x02")
    write(corpus / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(corpus / "sub" / "c.txt", "not top level")
    return corpus


# --- happy paths -----------------------------------------------------------------------------


def test_folder_without_metadata(folder: Path):
    docs = load_corpus(folder)
    assert [doc.id for doc in docs] == ["a", "b"]
    assert [doc.source for doc in docs] == ["corpus/a.txt", "corpus/b.md"]
    assert all(doc.meta == {} for doc in docs)
    # Verbatim: CRLF and trailing spaces survive, offsets index into this text.
    assert docs[0].text == "First article.\r\nWith a Windows newline.  \n"
    assert isinstance(docs[0], Document)


def test_folder_with_metadata(folder: Path):
    write_csv(
        folder / "metadata.csv",
        [
            ["file", "title", "outlet", "date", "url", "author", "section"],
            ["b.md", "NA", "The Star", "2023-09-14", "https://example.com/b", "", "World"],
            ["./a.txt", " First ", "", "", "", "Jane Doe", ""],
        ],
    )
    docs = load_corpus(folder)
    assert [doc.id for doc in docs] == ["a", "b"]
    assert docs[0].meta == {"title": "First", "author": "Jane Doe"}
    # "NA" is a title, not a missing value.
    assert docs[1].meta == {
        "title": "NA",
        "outlet": "The Star",
        "date": "2023-09-14",
        "url": "https://example.com/b",
        "section": "World",
    }


def test_folder_documents_without_metadata_row_have_empty_meta(folder: Path):
    write_csv(folder / "metadata.csv", [["file", "title"], ["a.txt", "First"]])
    docs = load_corpus(folder)
    assert [doc.meta for doc in docs] == [{"title": "First"}, {}]


def test_csv_with_id_column(tmp_path: Path):
    path = write(
        tmp_path / "articles.csv",
        'id,title,text,outlet\r\n007,NA,"Line one.\r\nLine two.",Star\r\n8,,Second text.,\r\n',
    )
    docs = load_corpus(path)
    assert [doc.id for doc in docs] == ["007", "8"]
    assert docs[0].text == "Line one.\r\nLine two."
    assert docs[0].meta == {"title": "NA", "outlet": "Star"}
    assert docs[1].meta == {}
    assert [doc.source for doc in docs] == [
        f"{tmp_path.name}/articles.csv:row 1",
        f"{tmp_path.name}/articles.csv:row 2",
    ]


def test_csv_without_id_column(tmp_path: Path):
    path = write_csv(tmp_path / "articles.csv", [["text", "title"], ["One.", "A"], ["Two.", "B"]])
    docs = load_corpus(path)
    assert [doc.id for doc in docs] == ["articles-1", "articles-2"]
    assert [doc.meta for doc in docs] == [{"title": "A"}, {"title": "B"}]


def test_csv_custom_columns(tmp_path: Path):
    path = write_csv(tmp_path / "a.csv", [["key", "body", "id"], ["k1", "One.", "x"]])
    docs = load_corpus(path, text_column="body", id_column="key")
    assert docs == [Document("k1", "One.", {"id": "x"}, f"{tmp_path.name}/a.csv:row 1")]


def test_jsonl(tmp_path: Path):
    path = write(
        tmp_path / "articles.jsonl",
        json.dumps({"id": 1, "text": "One.", "title": "A", "pages": 3, "url": None})
        + "\n\n"
        + json.dumps({"id": "two", "text": "Two.\u2028Still two."})
        + "\n",
    )
    docs = load_corpus(path)
    assert [doc.id for doc in docs] == ["1", "two"]
    assert docs[0].meta == {"title": "A", "pages": "3"}
    assert docs[1].text == "Two.\u2028Still two."
    assert [doc.source for doc in docs] == [
        f"{tmp_path.name}/articles.jsonl:line 1",
        f"{tmp_path.name}/articles.jsonl:line 3",
    ]


def test_jsonl_without_id(tmp_path: Path):
    path = write_jsonl(tmp_path / "feed.jsonl", [{"text": "One."}, {"text": "Two."}])
    assert [doc.id for doc in load_corpus(path)] == ["feed-1", "feed-2"]


@pytest.mark.parametrize("name", ["story.txt", "story.md", "STORY.TXT"])
def test_single_text_file(tmp_path: Path, name: str):
    path = write(tmp_path / "in" / name, "\ufeffA story.\n")
    docs = load_corpus(path)
    assert docs == [Document(Path(name).stem, "A story.\n", {}, f"in/{name}")]


def test_relative_path_resolves_against_project_root(folder: Path, monkeypatch):
    monkeypatch.setattr(paths, "PROJECT_ROOT", folder.parent)
    assert [doc.id for doc in load_corpus("corpus")] == ["a", "b"]


def test_real_seed():
    seed = paths.SEEDS_DIR / "000_c25e70807c734bc4.txt"
    docs = load_corpus()
    assert [doc.id for doc in docs] == ["000_c25e70807c734bc4"]
    assert docs[0].text == seed.read_bytes().decode("utf-8")
    assert docs[0].source == "seeds/000_c25e70807c734bc4.txt"
    assert "\u201cRocket Man\u201d" in docs[0].text


# --- decoding --------------------------------------------------------------------------------


def test_windows_1252_is_decoded_with_a_warning(folder: Path):
    write(folder / "c.txt", ROCKET_MAN.encode("cp1252"))
    with pytest.warns(CorpusWarning, match=r"^corpus/c\.txt: not UTF-8; decoded as Windows-1252$"):
        docs = load_corpus(folder)
    assert docs[2].text == ROCKET_MAN
    assert "\u201cRocket Man\u201d" in docs[2].text


def test_utf16_with_byte_order_mark_is_decoded(tmp_path: Path):
    path = write(tmp_path / "notepad.txt", ROCKET_MAN.encode("utf-16"))
    with pytest.warns(CorpusWarning, match=r"notepad\.txt: not UTF-8; decoded as UTF-16"):
        docs = load_corpus(path)
    assert docs[0].text == ROCKET_MAN


def test_forced_encoding(tmp_path: Path):
    path = write(tmp_path / "old.txt", ROCKET_MAN.encode("cp1252"))
    assert load_corpus(path, encoding="windows-1252")[0].text == ROCKET_MAN


def test_forced_encoding_that_does_not_fit_is_an_error(tmp_path: Path):
    path = write(tmp_path / "old.txt", ROCKET_MAN.encode("cp1252"))
    with pytest.raises(CorpusError, match=r"^\S+/old\.txt: not valid utf-8 \(byte 0x93 at offset"):
        load_corpus(path, encoding="utf-8")


def test_unknown_encoding(tmp_path: Path):
    path = write(tmp_path / "a.txt", "text")
    with pytest.raises(CorpusError, match=r"^unknown encoding: 'klingon'$"):
        load_corpus(path, encoding="klingon")


# --- tables and hashes -----------------------------------------------------------------------


def test_documents_table_columns_and_empty_strings(tmp_path: Path):
    docs = [
        Document("b", "Bee.", {"title": "B", "zeta": "z", "section": "World"}, "x/b.txt"),
        Document("a", "Ay!", {"outlet": "Star", "source": "wire"}, "x/a.txt"),
    ]
    table = documents_table(docs)
    assert list(table.columns) == [*TABLE_COLUMNS, "meta_source", "section", "zeta"]
    assert list(table.columns[:9]) == [
        "doc_id", "title", "outlet", "date", "url", "author", "source", "n_chars", "text_hash",
    ]  # fmt: skip
    assert table["doc_id"].tolist() == ["b", "a"]  # as given, not sorted
    assert table["n_chars"].tolist() == [4, 3]
    assert table["text_hash"].tolist() == [text_hash("Bee."), text_hash("Ay!")]
    assert table.loc[1, "title"] == "" and table.loc[0, "zeta"] == "z"
    assert table.loc[1, "meta_source"] == "wire" and table.loc[1, "source"] == "x/a.txt"
    assert not table.isna().any().any()
    # Round-trips through CSV without "nan" creeping in.
    table.to_csv(tmp_path / "docs.csv", index=False)
    assert "nan" not in (tmp_path / "docs.csv").read_text()
    again = pd.read_csv(tmp_path / "docs.csv", dtype=str, keep_default_na=False)
    assert again.loc[1, "title"] == ""


def test_documents_table_of_no_documents():
    table = documents_table([])
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert len(table) == 0


def test_text_hash():
    assert text_hash("abc") == hashlib.sha256(b"abc").hexdigest()
    assert text_hash("\u201c") == hashlib.sha256("\u201c".encode()).hexdigest()


def test_corpus_hash_ignores_order_but_not_content():
    a = Document("a", "Alpha.", {"title": "A"}, "x/a.txt")
    b = Document("b", "Beta.", {}, "x/b.txt")
    assert corpus_hash([a, b]) == corpus_hash([b, a])
    assert corpus_hash([a, b]) == corpus_hash([a._replace(meta={}, source="y"), b])
    assert corpus_hash([a, b]) != corpus_hash([a, b._replace(text="Beta!")])
    assert corpus_hash([a, b]) != corpus_hash([a, b._replace(id="c")])
    assert corpus_hash([a, b]) != corpus_hash([a])


# --- bad input: folders and files ------------------------------------------------------------


def test_missing_path(tmp_path: Path):
    with pytest.raises(CorpusError, match=r"^corpus not found: .*missing$"):
        load_corpus(tmp_path / "missing")


@pytest.mark.parametrize("files", [{}, {"notes.pdf": b"%PDF", "data.json": b"{}", ".x.txt": b"x"}])
def test_folder_without_documents(tmp_path: Path, files: dict[str, bytes]):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, content in files.items():
        write(corpus / name, content)
    with pytest.raises(
        CorpusError,
        match=r"^no documents in .*corpus: expected \.txt or \.md files, "
        r"or a \.csv or \.jsonl file$",
    ):
        load_corpus(corpus)


def test_unsupported_file_type(tmp_path: Path):
    path = write(tmp_path / "articles.json", "[]")
    with pytest.raises(CorpusError, match=r"unsupported corpus file .*articles\.json"):
        load_corpus(path)


@pytest.mark.parametrize("content", ["", "   \n\t\r\n", "\ufeff"])
def test_empty_document_is_skipped(folder: Path, content: str):
    write(folder / "c.txt", content)
    with pytest.warns(CorpusWarning, match=r"^corpus/c\.txt: empty document; skipped$"):
        docs = load_corpus(folder)
    assert [doc.id for doc in docs] == ["a", "b"]


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8",  # NUL bytes, not UTF-8
        "valid UTF-8 \u201cbut\u201d with a NUL\x00 byte".encode(),
        bytes(range(1, 32)) * 4 + b"\xff\xfe\x93",  # control characters, no NUL
    ],
    ids=["png", "utf8-with-nul", "control-chars"],
)
def test_binary_file_is_skipped(folder: Path, content: bytes):
    write(folder / "c.txt", content)
    with pytest.warns(CorpusWarning, match=r"^corpus/c\.txt: binary file, not text; skipped$"):
        docs = load_corpus(folder)
    assert [doc.id for doc in docs] == ["a", "b"]


def test_neither_utf8_nor_windows_1252_is_skipped(folder: Path):
    write(folder / "c.txt", b"caf\xe9 \x81 \x8d")
    with pytest.warns(
        CorpusWarning,
        match=r"^corpus/c\.txt: not UTF-8 or Windows-1252; skipped "
        r"\(pass encoding=\.\.\. to force one\)$",
    ):
        docs = load_corpus(folder)
    assert len(docs) == 2


def test_every_document_skipped(tmp_path: Path):
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", "")
    write(corpus / "b.txt", b"\x00\x01\x02")
    with (
        pytest.raises(
            CorpusError,
            match=r"^no usable documents in .*corpus \(2 files skipped, see warnings above\)$",
        ),
        pytest.warns(CorpusWarning) as record,
    ):
        load_corpus(corpus)
    assert [str(w.message) for w in record] == [
        "corpus/a.txt: empty document; skipped",
        "corpus/b.txt: binary file, not text; skipped",
    ]


def test_single_empty_file(tmp_path: Path):
    path = write(tmp_path / "empty.md", "\n")
    with (
        pytest.raises(CorpusError, match=r"no usable documents in .*empty\.md \(1 file skipped"),
        pytest.warns(CorpusWarning, match=r"empty\.md: empty document; skipped"),
    ):
        load_corpus(path)


def test_duplicate_text_keeps_the_first(folder: Path):
    write(folder / "c.txt", "# Second\n\nBody of b.\n")
    with pytest.warns(CorpusWarning, match=r"^corpus/c\.txt: same text as corpus/b\.md; skipped$"):
        docs = load_corpus(folder)
    assert [doc.id for doc in docs] == ["a", "b"]


def test_same_stem_twice_is_an_error(folder: Path):
    write(folder / "a.md", "A different text.")
    with pytest.raises(
        CorpusError, match=r"^corpus/a\.txt: duplicate id 'a' \(also corpus/a\.md\)"
    ):
        load_corpus(folder)


# --- bad input: metadata.csv -----------------------------------------------------------------


def test_metadata_without_file_column(folder: Path):
    write_csv(folder / "metadata.csv", [["name", "title", "outlet"], ["a.txt", "A", "S"]])
    with pytest.raises(
        CorpusError,
        match=r"^corpus/metadata\.csv: no 'file' column \(columns: name, title, outlet\)$",
    ):
        load_corpus(folder)


def test_metadata_row_for_missing_file(folder: Path):
    write_csv(
        folder / "metadata.csv",
        [["file", "title"], ["a.txt", "A"], ["gone.txt", "Gone"], ["b.md", "B"]],
    )
    with pytest.warns(
        CorpusWarning,
        match=r"^corpus/metadata\.csv row 2: file 'gone\.txt' not found; row ignored$",
    ):
        docs = load_corpus(folder)
    assert [doc.meta["title"] for doc in docs] == ["A", "B"]


def test_metadata_row_for_a_file_that_is_not_a_document(folder: Path):
    write_csv(folder / "metadata.csv", [["file", "title"], ["notes.pdf", "Notes"]])
    with pytest.warns(
        CorpusWarning, match=r"^corpus/metadata\.csv row 1: file 'notes\.pdf' is not a corpus"
    ):
        load_corpus(folder)


def test_metadata_names_a_file_twice(folder: Path):
    write_csv(
        folder / "metadata.csv",
        [["file", "title"], ["a.txt", "First"], ["b.md", "B"], ["a.txt", "Second"]],
    )
    with pytest.warns(
        CorpusWarning,
        match=r"^corpus/metadata\.csv row 3: file 'a\.txt' already listed at row 1; row ignored",
    ):
        docs = load_corpus(folder)
    assert docs[0].meta == {"title": "First"}


def test_metadata_in_windows_1252(folder: Path):
    content = "file,title\na.txt,\u201cRocket Man\u201d\n".encode("cp1252")
    write(folder / "metadata.csv", content)
    with pytest.warns(
        CorpusWarning, match=r"^corpus/metadata\.csv: not UTF-8; decoded as Windows-1252$"
    ):
        docs = load_corpus(folder)
    assert docs[0].meta == {"title": "\u201cRocket Man\u201d"}


def test_metadata_with_a_ragged_row(folder: Path):
    write(folder / "metadata.csv", "file,title\na.txt,A\nb.md,B, with a stray comma\n")
    with pytest.raises(
        CorpusError,
        match=r"^corpus/metadata\.csv row 2 \(line 3\): 3 fields, but the header has 2",
    ):
        load_corpus(folder)


# --- bad input: csv and jsonl ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("articles.csv", "id,body\n1,One.\n"),
        ("articles.jsonl", '{"id": 1, "body": "One."}\n'),
    ],
)
def test_table_without_text_column(tmp_path: Path, name: str, content: str):
    path = write(tmp_path / name, content)
    with pytest.raises(CorpusError, match=rf"^\S+/{name}: no 'text' column \(columns: id, body\)$"):
        load_corpus(path)


def test_malformed_json_line(tmp_path: Path):
    path = write(tmp_path / "articles.jsonl", '{"text": "One."}\n{"text": "Two.",}\n')
    with pytest.raises(
        CorpusError, match=r"^\S+/articles\.jsonl line 2: not valid JSON \(.+ at column \d+\)$"
    ):
        load_corpus(path)


def test_json_line_that_is_not_an_object(tmp_path: Path):
    path = write(tmp_path / "articles.jsonl", '{"text": "One."}\n["Two."]\n')
    with pytest.raises(CorpusError, match=r"articles\.jsonl line 2: expected a JSON object"):
        load_corpus(path)


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("articles.csv", "id,text\na,One.\nb,  \nc,Three.\n", "row 2"),
        ("articles.jsonl", '{"text": "One."}\n{"text": ""}\n{"text": "Three."}\n', "line 2"),
        ("articles.jsonl", '{"text": "One."}\n{"title": "T"}\n{"text": "Three."}\n', "line 2"),
    ],
)
def test_empty_text_row_is_skipped(tmp_path: Path, name: str, content: str, where: str):
    path = write(tmp_path / name, content)
    with pytest.warns(CorpusWarning, match=rf"^\S+/{name}:{where}: empty document; skipped$"):
        docs = load_corpus(path)
    assert len(docs) == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "articles.csv",
            "id,text\na,One.\nb,Two.\na,Three.\n",
            r"articles\.csv:row 3: duplicate id 'a' \(also at row 1\)$",
        ),
        (
            "articles.jsonl",
            '{"id": 7, "text": "One."}\n{"id": "7", "text": "Two."}\n',
            r"articles\.jsonl:line 2: duplicate id '7' \(also at line 1\)$",
        ),
    ],
)
def test_duplicate_ids(tmp_path: Path, name: str, content: str, message: str):
    path = write(tmp_path / name, content)
    with pytest.raises(CorpusError, match=message):
        load_corpus(path)


def test_duplicate_rows_keep_the_first(tmp_path: Path):
    path = write(tmp_path / "articles.csv", "text,title\nSame.,A\nSame.,B\n")
    with pytest.warns(
        CorpusWarning,
        match=r"articles\.csv:row 2: same text as \S+/articles\.csv:row 1; skipped$",
    ):
        docs = load_corpus(path)
    assert [doc.meta for doc in docs] == [{"title": "A"}]


def test_csv_with_a_ragged_row(tmp_path: Path):
    path = write(tmp_path / "articles.csv", 'id,text\na,One.\nb,"Two, quoted",extra\n')
    with pytest.raises(
        CorpusError, match=r"articles\.csv row 2 \(line 3\): 3 fields, but the header has 2"
    ):
        load_corpus(path)


def test_csv_with_a_header_only(tmp_path: Path):
    path = write(tmp_path / "articles.csv", "id,text\n")
    with pytest.raises(CorpusError, match=r"no documents in .*articles\.csv: .*no data rows"):
        load_corpus(path)


def test_csv_with_a_long_text(tmp_path: Path):
    long_text = "word " * 100_000  # longer than the csv module's default field limit
    path = write_csv(tmp_path / "articles.csv", [["text"], [long_text]])
    assert load_corpus(path)[0].text == long_text


# --- command line ----------------------------------------------------------------------------


def test_cli_reports_a_missing_corpus_in_one_line(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "entities", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: corpus not found")


def test_each_kind_of_error_is_an_analysis_error_callers_can_tell_apart(tmp_path):
    from analysis.compare import parse_grouping
    from analysis.errors import (
        AnalysisError,
        DataFileError,
        EngineError,
        GoldFileError,
        GroupingError,
        ModelFileError,
    )
    from analysis.evaluate.names import read_name_gold
    from analysis.identity import read_overrides
    from analysis.pipeline import load
    from analysis.sentiment.model import load_sentiment_model

    kinds = [DataFileError, EngineError, GoldFileError, GroupingError, ModelFileError]
    assert all(issubclass(kind, AnalysisError) for kind in kinds)
    with pytest.raises(GroupingError):
        parse_grouping("date:fortnight")
    with pytest.raises(GoldFileError):
        read_name_gold(tmp_path / "missing.csv")
    with pytest.raises(DataFileError):
        read_overrides(tmp_path / "missing.csv")
    with pytest.raises(EngineError):
        load([], engine="spark")
    with pytest.raises(ModelFileError):
        load_sentiment_model(tmp_path / "missing.json")
