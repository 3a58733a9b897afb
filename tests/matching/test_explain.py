import pytest

from matchmaker.matching import Evidence, reasons


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (Evidence(offer_match=("vacuum components", "UHV valve supplier", 0.7)),
         ["their offer “vacuum components” answers your request “UHV valve supplier”"]),
        (Evidence(request_match=("laser cutting", "metal cutting", 0.6)),
         ["your offer “laser cutting” answers their request “metal cutting”"]),
        (Evidence(common_partners=3), ["partners in common: 3"]),
        (Evidence(common_partners=2, common_partner_name="CERN"), ["partners in common: 2, among them CERN"]),
        (Evidence(shared_sectors=["advanced materials"]), ["both in advanced materials"]),
        (Evidence(shared_terms=["hydrogen", "valves"]), ["both work on “hydrogen”, “valves”"]),
        (Evidence(semantic=0.7), ["similar activities"]),
        (Evidence(query_type="PRC", candidate_type="REC", type_affinity=0.5),
         ["a research organisation and a company often work together"]),
        (Evidence(cross_border_country="BE"), ["cross-border partner from BE"]),
        (Evidence(same_region="Mazowieckie"), ["also in Mazowieckie"]),
        (Evidence(shared_language="Polish"), ["you both speak Polish"]),
        (Evidence(two_step=True), ["close to you in the partnership network"]),
        (Evidence(has_room=True), ["has room for more meetings"]),
        (Evidence(activity=25), ["very active: past partners: 25"]),
        (Evidence(), ["new to your network"]),
    ],
)  # fmt: skip
def test_each_reason(evidence, expected):
    assert reasons(evidence) == expected


def test_strongest_three_first():
    ev = Evidence(
        offer_match=("a", "b", 0.9), common_partners=4, shared_sectors=["energy"], activity=50
    )
    assert reasons(ev) == [
        "their offer “a” answers your request “b”",
        "partners in common: 4",
        "both in energy",
    ]


def test_translate_runs_before_format():
    catalogue = {
        "both in {sector}": "oboje w sektorze {sector}",
        "partners in common: {count}": "wspólni partnerzy: {count}",
    }
    seen = []

    def translate(msg):
        seen.append(msg)
        return catalogue.get(msg, msg)

    ev = Evidence(common_partners=2, shared_sectors=["energia"])
    assert reasons(ev, translate) == ["wspólni partnerzy: 2", "oboje w sektorze energia"]
    assert seen == ["partners in common: {count}", "both in {sector}"]


def test_codes_go_through_names_and_types_read_as_a_sentence():
    names = {("country", "BE"): "Belgium", ("language", "pl"): "Polish"}
    ev = Evidence(
        cross_border_country="BE",
        shared_language="pl",
        query_type="PRC",
        candidate_type="OTH",
        type_affinity=0.5,
    )
    assert reasons(ev, limit=5, names=lambda kind, code: names[kind, code]) == [
        "an organisation of another kind and a company often work together",
        "cross-border partner from Belgium",
        "you both speak Polish",
    ]
