"""The editorial as an editor reads it: per issue, the defects an editor would fix, counted.

    python benchmarks/editorial.py --library DIR [--save DIR]     # build every case, then count
    python benchmarks/editorial.py --score DIR                    # count issues built earlier
    python benchmarks/editorial.py --score AFTER --before BEFORE  # both, as 'before → after'

The cases: the seed (its journal, as the editors built it), the seed's event over the whole
library, the dev cases' briefs over the whole library, and events of our own about Central Asia
that no case was made from (`EVENTS`). Per issue: false framings, dangling references, nested
reportings, leftover connectives and first person (as `vissue check` finds them), named people
not in the selection, the most repeated sentence opening, mean and maximum gist length in words,
grouped sentences (one sentence for several works), lead-ins and the sentence tying the works to
the event. `--score DIR` reads DIR/*/issue.json: issues saved by an earlier run (`--save`), e.g.
of an earlier version of the code, so before and after are counted by the same rules.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SEED = SHARED / "seed" / "kazakhstan-2022" / "gold.json"
DEV_CASES = SHARED / "dev-cases"

#: Events of our own (not the dev cases, not the seed), over the whole library.
EVENTS = {
    "migrants-2022": (
        "Labour migrants from Tajikistan and Kyrgyzstan working in Russia face deportations, raids "
        "and falling remittances after the rouble fell in 2022, and families at home who depend on "
        "the money sent back are hit hard."),
    "karakalpakstan-2022": (
        "In July 2022 protests broke out in Nukus, Karakalpakstan, against constitutional amendments "
        "that would have removed the region's right to secede from Uzbekistan. The authorities "
        "declared a state of emergency and security forces killed at least 18 people. President "
        "Shavkat Mirziyoyev then withdrew the amendments."),
    "border-war-2022": (
        "In September 2022 fighting broke out again on the border between Kyrgyzstan and Tajikistan, "
        "over disputed land, water and roads around the Batken and Isfara valleys. About a hundred "
        "people were killed and tens of thousands fled. Both governments are members of the CSTO, "
        "which did not intervene."),
    "belt-and-road": (
        "China's Belt and Road Initiative is building railways, pipelines and roads across "
        "Kazakhstan and Kyrgyzstan. Loans from Chinese banks raise fears of debt and dependence, "
        "and protests against Chinese investment have followed."),
    "taliban-2021": (
        "After the Taliban took Kabul in August 2021, Uzbekistan, Tajikistan and Turkmenistan had "
        "to decide how to deal with the new rulers of Afghanistan: trade and railway plans, "
        "refugees at the border, and fears of militants crossing into Central Asia."),
    "aral-sea": (
        "The Aral Sea has shrunk to a fraction of its size because rivers were diverted to irrigate "
        "cotton. Dust and salt storms from the dry seabed now harm the health and farms of people "
        "in Karakalpakstan and southern Kazakhstan."),
}


def cases() -> list[tuple[str, str, str | None]]:
    """(name, event text, journal or None) for every case."""
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    out = [("seed", seed["event"], seed["journal"]), ("seed-library", seed["event"], None)]
    for path in sorted(DEV_CASES.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        if case.get("event"):
            out.append((path.stem, case["event"], None))
    out += [(name, text, None) for name, text in EVENTS.items()]
    return out


def build_all(library_path: str, save: Path | None) -> dict[str, object]:
    from vissue.brief.event import brief_from_text
    from vissue.build import BuildOptions, build_issue, write_issue
    from vissue.library.store import Library
    from vissue.search.index import SearchIndex
    from vissue.search.semantic import SentenceTransformerEmbedder

    issues = {}
    with Library(library_path, create=False) as library:
        index = SearchIndex.open(library, SentenceTransformerEmbedder())
        for name, event, journal in cases():
            issue = build_issue(library, index, brief_from_text(event), options=BuildOptions(journal=journal))
            issues[name] = issue
            if save is not None:
                write_issue(issue, save / name)
            print(f"built {name}", file=sys.stderr)
    return issues


def load_all(folder: Path) -> dict[str, object]:
    from vissue.issue import VirtualIssue

    order = [name for name, _, _ in cases()]
    found = {p.parent.name: p for p in folder.glob("*/issue.json")}
    names = [n for n in order if n in found] + sorted(set(found) - set(order))
    return {name: VirtualIssue.load(found[name]) for name in names}


def count(issue) -> dict[str, object]:
    """The defects of one issue's editorial, as an editor would count them."""
    from vissue.editorial.review import Defect, gist_text, review

    findings = review(issue)
    kinds = Counter(f.kind for f in findings)
    theme = [s for s in issue.sentences if s.part == "theme"]
    works = {w.id: w for w in issue.works}
    lengths = [len(gist_text(s, works).split()) for s in theme if s.works]
    openings = Counter(" ".join(s.text.split()[:2]) for s in theme)
    top = openings.most_common(1)[0] if openings else ("", 0)
    return {
        "works": len(issue.works),
        "false framings": kinds[Defect.FALSE_FRAMING],
        "dangling": kinds[Defect.DANGLING],
        "nested": kinds[Defect.NESTED_REPORTING],
        "connectives": kinds[Defect.CONNECTIVE],
        "first person": kinds[Defect.FIRST_PERSON],
        "strangers": kinds[Defect.STRANGER],
        "top opening": f"{top[0]} ×{top[1]}",
        "top opening n": top[1],
        "mean gist": round(statistics.mean(lengths), 1) if lengths else 0.0,
        "max gist": max(lengths, default=0),
        "grouped": sum(1 for s in theme if len(s.works) > 1),
        "lead-ins": sum(1 for s in theme if not s.works),
        "ties": max(0, sum(1 for s in issue.sentences if s.part == "framing") - 1),
    }


COLUMNS = ["works", "false framings", "dangling", "nested", "connectives", "first person", "strangers",
           "top opening", "mean gist", "max gist", "grouped", "lead-ins", "ties"]


def table(rows: dict[str, dict[str, object]]) -> str:
    lines = ["| issue | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for name, row in rows.items():
        lines.append(f"| {name} | " + " | ".join(str(row[c]) for c in COLUMNS) + " |")
    total = {c: sum(int(r[c]) for r in rows.values()) for c in COLUMNS
             if c not in ("top opening", "mean gist", "max gist")}
    means = [float(r["mean gist"]) for r in rows.values()]
    lines.append("| **all** | " + " | ".join(
        str(total[c]) if c in total else
        (f"max ×{max(int(r['top opening n']) for r in rows.values())}" if c == "top opening" else
         f"{statistics.mean(means):.1f}" if c == "mean gist" else
         str(max(int(r['max gist']) for r in rows.values())))
        for c in COLUMNS) + " |")
    return "\n".join(lines)


_COMPARED = ["false framings", "dangling", "nested", "connectives", "first person", "top opening n",
             "mean gist", "max gist", "grouped", "lead-ins", "ties"]


def compare(before: dict[str, dict[str, object]], after: dict[str, dict[str, object]]) -> str:
    """One table, each cell 'before → after', and a last row over all issues."""
    def total(rows: dict[str, dict[str, object]], key: str) -> str:
        values = [float(r[key]) for r in rows.values()]  # type: ignore[arg-type]
        if key == "mean gist":
            return f"{statistics.mean(values):.1f}"
        return f"{max(values):.0f}" if key in ("max gist", "top opening n") else f"{sum(values):.0f}"

    names = [n for n in after if n in before]
    head = [c.replace(" n", "") for c in _COMPARED]
    lines = ["| issue | " + " | ".join(head) + " |", "|---" * (len(head) + 1) + "|"]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(f"{before[name][c]} → {after[name][c]}" for c in _COMPARED) + " |")
    lines.append(f"| **all {len(names)}** | " + " | ".join(
        f"{total({n: before[n] for n in names}, c)} → {total({n: after[n] for n in names}, c)}" for c in _COMPARED) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", help="the library to build from (the 2,795-work one)")
    parser.add_argument("--save", type=Path, help="write each issue into SAVE/<case>/")
    parser.add_argument("--score", type=Path, help="count issues saved earlier in SCORE/<case>/issue.json")
    parser.add_argument("--no-count", action="store_true", help="only build (and save)")
    parser.add_argument("--before", type=Path, help="also count the issues saved in BEFORE/ and print before → after")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.score:
        issues = load_all(args.score)
    elif args.library:
        issues = build_all(args.library, args.save)
    else:
        parser.error("give --library DIR (build) or --score DIR (count saved issues)")
    if args.no_count:
        return
    rows = {name: count(issue) for name, issue in issues.items()}
    if args.before:
        print(compare({name: count(issue) for name, issue in load_all(args.before).items()}, rows))
        return
    print(json.dumps(rows, ensure_ascii=False, indent=1) if args.json else table(rows))


if __name__ == "__main__":
    main()
