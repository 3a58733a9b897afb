import gzip
import json

import pytest

from matchmaker.matching import MatchingError, Profile, load_profiles, read_queries


def test_profile_from_dict_keeps_fields_and_normalises_country():
    p = Profile.from_dict({"id": "1", "name": "Acme", "country": "pl", "type": "PRC", "text": "t",
                           "partners": ["2"], "sectors": ["energy"], "offers": ["o"], "requests": ["r"],
                           "languages": ["pl"], "extra": 1})  # fmt: skip
    assert p == Profile(id="1", name="Acme", country="PL", type="PRC", text="t", partners=("2",),
                        sectors=("energy",), offers=("o",), requests=("r",), languages=("pl",))  # fmt: skip
    assert Profile.from_dict(p.to_dict()) == p


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "field 'id': missing"),
        ({"id": ""}, "field 'id': expected a non-empty string"),
        ({"id": 5}, "field 'id': expected a non-empty string"),
        ({"id": "1", "partners": "2"}, "field 'partners': expected a list of strings"),
        ({"id": "1", "partners": [2]}, "field 'partners': expected a list of strings"),
        ({"id": "1", "name": 3}, "field 'name': expected a string"),
        ([1], "expected a JSON object"),
    ],
)
def test_profile_from_dict_rejects(data, message):
    with pytest.raises(MatchingError) as err:
        Profile.from_dict(data)
    assert str(err.value) == message


def test_load_profiles_plain_and_gz(tmp_path):
    rows = [{"id": "a", "text": "x", "partners": ["b"]}, {"id": "b"}]
    text = "\n".join(json.dumps(r) for r in rows) + "\n\n"
    (tmp_path / "p.jsonl").write_text(text)
    with gzip.open(tmp_path / "p.jsonl.gz", "wt") as fh:
        fh.write(text)
    for name in ("p.jsonl", "p.jsonl.gz"):
        assert [p.id for p in load_profiles(tmp_path / name)] == ["a", "b"]


def test_load_profiles_names_file_line_and_field(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "a"}\n{"id": "a"}\n')
    with pytest.raises(MatchingError) as err:
        load_profiles(path)
    assert str(err.value) == f"{path}:2: field 'id': duplicate id 'a'"
    path.write_text('{"id": "a"}\n{oops\n')
    with pytest.raises(MatchingError) as err:
        load_profiles(path)
    assert str(err.value).startswith(f"{path}:2: not valid JSON")


def test_read_queries_unknown_id(tmp_path):
    path = tmp_path / "q.txt"
    path.write_text("a\n\nzz\n")
    with pytest.raises(MatchingError) as err:
        read_queries(path, {"a"})
    assert str(err.value) == f"{path}:3: field 'id': unknown profile id 'zz'"
    path.write_text("a\n")
    assert read_queries(path, {"a"}) == ["a"]
