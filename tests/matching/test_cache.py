import dataclasses

import numpy as np

from matchmaker.matching import EmbeddingCache, Recommender, text_key

from .conftest import CountingEmbedder, star_profiles


def test_memory_cache_embeds_each_text_once(embedder):
    cache = EmbeddingCache()
    a = cache.embed(embedder, ["one", "two", "one"])
    b = cache.embed(embedder, ["two"])
    assert embedder.seen == ["one", "two"]
    assert np.array_equal(a[1], b[0])
    assert (cache.hits, cache.misses) == (2, 2)


def test_disk_cache_survives_a_new_process(tmp_path, embedder):
    EmbeddingCache(tmp_path).embed(embedder, ["alpha", "beta"])
    fresh = CountingEmbedder()
    again = EmbeddingCache(tmp_path).embed(fresh, ["beta", "alpha", "gamma"])
    assert fresh.seen == ["gamma"]
    assert np.array_equal(again[0], embedder.embed(["beta"])[0])
    keys = (tmp_path / "counting-256" / "keys.txt").read_text().split()
    assert keys == [text_key("alpha"), text_key("beta"), text_key("gamma")]


def test_adding_one_profile_embeds_only_its_text(embedder, graph_model):
    cache = EmbeddingCache()
    rec = Recommender(star_profiles(), embedder=embedder, cache=cache, model=graph_model)
    before = len(embedder.seen)
    newcomer = dataclasses.replace(
        star_profiles()[5], id="f", text="food packaging cluster\nnew line here"
    )
    rec2 = rec.with_profile(newcomer)
    assert embedder.seen[before:] == ["new line here"]
    assert rec2.ids[-1] == "f"
