from matchmaker.matching.text import LexicalIndex, tokenize


def test_tokenize_drops_short_words_digits_and_stopwords():
    assert tokenize("The H2 valves, and 3 UHV-pumps for Łódź!") == [
        "valves",
        "uhv",
        "pumps",
        "łódź",
    ]


def test_lexical_similarity_and_shared_terms():
    idx = LexicalIndex.build(["vacuum valves", "vacuum pumps", "valves vacuum", "bread"])
    # "pumps" and "bread" occur once (below min_df); vacuum idf 1+ln(5/4), valves 1+ln(5/3).
    sims = idx.similarities(0, max_df_share=1.0)
    assert [round(float(s), 4) for s in sims] == [1.0, 0.6292, 1.0, 0.0]
    # With the default cut, "vacuum" (in 3 of 4 documents) is skipped as too common.
    assert [round(float(s), 4) for s in idx.similarities(0)] == [0.6041, 0.0, 0.6041, 0.0]
    assert idx.shared_terms(0, 2) == ["valves", "vacuum"]  # rarer word first
    assert idx.shared_terms(0, 3) == []
