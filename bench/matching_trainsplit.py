"""Build training splits for the matching model from data inside dev's own history window.

    python bench/matching_trainsplit.py [--out DIR] [--verify-dev]

The ``dev`` split predicts 2017 partners from 2014–2016 history. Fitting the model on dev's
own queries leaves only half of them to judge it on, and those share the 2017 target year
with the fit half. This script instead builds splits that end *before* 2017, with the rules
of dev's ``meta.json`` (cordis_split 1.0):

- projects with 2–60 distinct participants (by CORDIS ``rcn``);
- candidates = organisations in a history project that maps to a project with text;
- ``text`` = one line per such project: ``title. topic description. thematic priority.``;
- ``partners`` = co-participants in any history project (may be non-candidates);
- truth = co-participants in a target-year project that are candidates and were not
  history partners; queries = every candidate with at least one (no sampling);
- event variants: candidates with ≥ 2 history projects in one programme part, truth
  restricted to that pool.

Default splits (``--out``, default /tmp/matchmaker-matching-train, never committed):
``h1415-t16`` (history 2014–2015, target 2016) and its event variants, and ``h14-t15``.
The target years are at most 2016, all inside dev's history, so no data from 2017 or later
is read for training; ``--verify-dev`` rebuilds dev itself (2014–2016 → 2017) in memory and
checks it equals the shipped files, which shows the rules above are dev's rules. Needs pandas
(bench/dev only).
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import time
from pathlib import Path

import pandas as pd
from matching_eval import DATA

OUT = Path("/tmp/matchmaker-matching-train")
ISO2 = {"UK": "GB", "EL": "GR"}  # CORDIS codes -> ISO 3166-1, as in dev
EVENT_PARTS = ("SC3", "SC1", "SC2", "SC4", "SC5", "SC6", "LEIT", "MSCA")


def load() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    pa = pd.read_csv(DATA / "participations.csv.gz", keep_default_na=False, dtype=str)
    pr = pd.read_csv(DATA / "projects.csv.gz", keep_default_na=False, dtype=str)
    org = pd.read_csv(DATA / "organisations.csv.gz", keep_default_na=False, dtype=str)
    parts = pd.read_csv(
        DATA / "raw" / "eunets_programme_parts.csv.gz", keep_default_na=False, dtype=str
    )
    pa["sy"] = pd.to_numeric(pa["start_year"], errors="coerce")
    size = pa.groupby("rcn")["pic"].nunique()
    pa["n"] = pa["rcn"].map(size)
    pa = pa[(pa["n"] >= 2) & (pa["n"] <= 60)]
    return pa, pr, org, parts


def build(
    pa: pd.DataFrame,
    pr: pd.DataFrame,
    org: pd.DataFrame,
    parts: pd.DataFrame,
    history: tuple[int, int],
    target: int,
    event: str | None = None,
    min_projects: int = 2,
) -> dict:
    """Profiles (dicts), queries and truth for one split."""
    hist = pa[pa["sy"].between(*history)]
    tgt = pa[pa["sy"] == target]
    proj = pr.set_index("project_id")
    texted = hist[(hist["project_id"] != "") & hist["project_id"].isin(proj.index)]
    candidates = sorted(set(texted["pic"]))
    partners: dict[str, set[str]] = collections.defaultdict(set)
    for pics in hist.groupby("rcn")["pic"].agg(lambda s: sorted(set(s))):
        for a in pics:
            partners[a].update(p for p in pics if p != a)
    lines: dict[str, list[str]] = collections.defaultdict(list)
    rows = texted[["pic", "project_id", "start_date"]].drop_duplicates()
    for pic, pid, _ in sorted(rows.itertuples(index=False), key=lambda r: (r[0], r[2], r[1])):
        p = proj.loc[pid]
        if isinstance(p, pd.DataFrame):
            p = p.iloc[0]
        text = ". ".join(s.strip().rstrip(".") for s in (p["title"], p["topic_description"],
                                                         p["thematic_priority"]) if s.strip())  # fmt: skip
        lines[pic].append(" ".join(text.split()) + ".")
    if event is not None:
        ev = parts[parts["programme_part"] == event]["rcn"]
        counts = hist[hist["rcn"].isin(set(ev))].groupby("pic")["rcn"].nunique()
        candidates = sorted(set(candidates) & set(counts[counts >= min_projects].index))
    cand = set(candidates)
    o = org.set_index("pic")
    profiles = []
    for pic in candidates:
        r = o.loc[pic]
        profiles.append(
            {
                "id": pic,
                "name": r["name"],
                "country": ISO2.get(r["country"], r["country"]),
                "type": r["activity_type"],
                "text": "\n".join(lines[pic]),
                "partners": sorted(partners[pic]),
            }
        )
    new: dict[str, set[str]] = collections.defaultdict(set)
    for pics in tgt.groupby("rcn")["pic"].agg(lambda s: sorted(set(s))):
        for a in pics:
            if a in cand:
                new[a].update(p for p in pics if p != a and p in cand and p not in partners[a])
    queries = sorted(q for q in candidates if new.get(q))
    truth = {q: sorted(new[q]) for q in queries}
    return {"profiles": profiles, "queries": queries, "truth": truth}


def write(split: dict, folder: Path, meta: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(folder / "profiles.jsonl.gz", "wt", encoding="utf-8") as fh:
        for p in split["profiles"]:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    (folder / "queries.txt").write_text("\n".join(split["queries"]) + "\n")
    with gzip.open(folder / "truth.jsonl.gz", "wt") as fh:
        for q in split["queries"]:
            fh.write(json.dumps({"id": q, "new_partners": split["truth"][q]}) + "\n")
    meta = {
        **meta,
        "n_candidates": len(split["profiles"]),
        "n_queries": len(split["queries"]),
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"{folder.name}: {meta['n_candidates']} candidates, {meta['n_queries']} queries")


def verify_dev(pa, pr, org, parts) -> None:
    """Rebuild dev (2014–2016 -> 2017) and compare with the shipped split."""
    split = build(pa, pr, org, parts, (2014, 2016), 2017)
    shipped = {}
    with gzip.open(DATA / "dev" / "profiles.jsonl.gz", "rt") as fh:
        for line in fh:
            p = json.loads(line)
            shipped[p["id"]] = p
    ours = {p["id"]: p for p in split["profiles"]}
    assert set(ours) == set(shipped), "candidate sets differ"
    for field in ("partners", "type", "country"):
        bad = sum(set(ours[i][field]) != set(shipped[i][field]) for i in ours)
        print(f"dev {field}: {bad} of {len(ours)} differ")
    bad = sum(
        set(ours[i]["text"].splitlines()) != set(shipped[i]["text"].splitlines()) for i in ours
    )
    print(f"dev text lines: {bad} of {len(ours)} differ")
    with gzip.open(DATA / "dev" / "truth.jsonl.gz", "rt") as fh:
        truth = {(o := json.loads(line))["id"]: set(o["new_partners"]) for line in fh}
    same = sum(set(split["truth"].get(q, ())) == t for q, t in truth.items())
    print(
        f"dev truth: {same} of {len(truth)} shipped queries equal; eligible {len(split['queries'])}"
    )
    event = build(pa, pr, org, parts, (2014, 2016), 2017, "SC3")
    with gzip.open(DATA / "dev-event-energy" / "truth.jsonl.gz", "rt") as fh:
        truth = {(o := json.loads(line))["id"]: set(o["new_partners"]) for line in fh}
    same = sum(set(event["truth"].get(q, ())) == t for q, t in truth.items())
    print(
        f"dev-event-energy: {len(event['profiles'])} candidates, {len(event['queries'])} "
        f"queries; truth equal for {same} of {len(truth)} shipped queries"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--verify-dev", action="store_true")
    args = ap.parse_args()
    t = time.time()
    pa, pr, org, parts = load()
    if args.verify_dev:
        verify_dev(pa, pr, org, parts)
    out = Path(args.out)
    specs = [((2014, 2015), 2016, None), ((2014, 2014), 2015, None)]
    specs = [(*sp, 2) for sp in specs]
    specs += [((2014, 2015), 2016, e, 2) for e in EVENT_PARTS]
    # Event pools with >= 1 project in the two-year window are closer in size to
    # dev-event-energy (>= 2 projects in three years: 553 candidates) than >= 2 (203).
    specs += [((2014, 2015), 2016, e, 1) for e in EVENT_PARTS[:6]]
    for history, target, event, min_projects in specs:
        assert target <= 2016, "training splits must end before dev's target year"
        name = f"h{history[0] % 100}{history[1] % 100}-t{target % 100}"
        name = name.replace("h1414", "h14") + (f"-event-{event}" if event else "")
        name += "-min1" if event and min_projects == 1 else ""
        split = build(pa, pr, org, parts, history, target, event, min_projects)
        meta = {
            "generator": "bench/matching_trainsplit.py",
            "history_start_years": list(history),
            "target_start_years": [target, target],
            "participants_per_project": [2, 60],
            "event": event,
            "min_history_projects": min_projects if event else None,
        }
        write(split, out / name, meta)
    print(f"done in {time.time() - t:.0f}s")


if __name__ == "__main__":
    main()
