"""Fuzzing the readers and the brief parser: real sample files, broken by hypothesis.

Shared by the bounded suite in the tests (`test_fuzz.py`) and the long run by hand
(`benchmarks/fuzz.py --cases 10000`). Each case is a real export of one format with a few
mutations (hostile payloads inserted, spans deleted or repeated, lines swapped, the file cut),
written to a file and ingested, with the format detected or forced. The invariants:

- nothing escapes: a file vissue cannot read is a one-line error naming it, never a traceback;
- every record is counted once: read = added + merged + rejected;
- every reject names the file, the position and the field; every warning the file and position.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from vissue.brief.event import EventBrief, brief_from_text, load_brief
from vissue.errors import InputError
from vissue.library.ingest import ingest
from vissue.library.store import Library

# One real sample per format (a small one, or the first records of a large one).
SAMPLES = {
    "wos": ("wos_plaintext", "synthesisr_WoS_txt_example.txt"),
    "wos-tab": ("wos_tabdelimited", "wos_tab_delimited_win_utf8.txt"),
    "ris": ("ris", "asreview_ovid_zotero.ris"),
    "bibtex": ("scopus_bibtex", "synthesisr_Scopus_bib_example.bib"),
    "csljson": ("csl_json", "ArmEnBib_zotero_Exported_Items.json"),
    "openalex": ("openalex_api", "zotero_OpenAlexJSON_works_list_5_results.json"),
    "crossref": ("crossref_api", "habanero_works_10.1136_jclinpath-2020-206745.json"),
    "scopus": ("scopus_csv", "litstudy_scopus.csv"),
    "medline": ("pubmed_medline", "synthesisr_PubMed_example.nbib"),
    "pubmed": ("pubmed_xml", "zotero_PubMedXML_testcase0.xml"),
    "jats": ("jats", "scielo_bakhtiniana_artigo-com-traducao-e-pareceres.xml"),
}
RECORDS = 5  # records kept of a large sample

# What an attacker or an unlucky export puts into a file.
PAYLOADS = [
    "\\ud800", "\\udfff\\ud800", "\ud800", "\x00", "\ufeff", "\r", "\n", "\t", "\u2028", "\U0001f600",
    "[" * 1000, "{\"a\":" * 600, "]" * 50, "}" * 50, "\"", "\\", "<", "</", "]]>", "<!DOCTYPE x [<!ENTITY a \"b\">]>",
    "&a;", "&#0;", "&#xD800;", "\nER\n", "\nPT J\n", "\nER  - \n", "\nTY  - JOUR\n", "\nPMID- 1\n", "@string{a = a # a}\n",
    "@article{", "@article{k,", "title = {", "#", "\"x\",\"y\"\n", ",,,,,,", "99999999999999999999",
    "-1", "1e999", "NaN", "null", "x" * 70_000,
]


def sample_path(samples: Path, fmt: str) -> Path:
    folder, name = SAMPLES[fmt]
    return samples / folder / name


def seed_text(samples: Path, fmt: str) -> str:
    """The sample's text, cut to its first RECORDS records when it is large."""
    from vissue.readers.decode import decode_bytes

    path = sample_path(samples, fmt)
    text = decode_bytes(path.read_bytes(), file=str(path))[0]
    if fmt == "csljson":
        return json.dumps(json.loads(text)[:RECORDS], ensure_ascii=False, indent=2)
    if fmt == "wos-tab":
        return "\n".join(text.split("\n")[:RECORDS + 1]) + "\n"
    if fmt == "scopus":
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[:RECORDS + 1]
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue()
    return text


@st.composite
def mutations(draw: Any) -> list[tuple[str, float, float, str]]:
    """A few edits: (kind, where, how far, payload), positions as fractions of the text."""
    kinds = st.sampled_from(["insert", "insert", "delete", "repeat", "swap-lines", "cut", "replace",
                             "json-value", "json-value"])
    payload = st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=40))
    edit = st.tuples(kinds, st.floats(0, 1), st.floats(0, 0.2), payload)
    return draw(st.lists(edit, min_size=1, max_size=4))


def mutate(text: str, edits: list[tuple[str, float, float, str]]) -> str:
    for kind, where, span, payload in edits:
        at = int(where * len(text))
        width = int(span * len(text))
        if kind == "insert":
            text = text[:at] + payload + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + width:]
        elif kind == "repeat":
            text = text[:at + width] + text[at:at + width] + text[at + width:]
        elif kind == "cut":
            text = text[:at]
        elif kind == "replace":
            text = text[:at] + payload + text[at + max(1, len(payload)):]
        elif kind == "json-value":
            text = _replace_json_value(text, where, span, payload)
        else:  # swap two lines
            lines = text.split("\n")
            i, j = int(where * (len(lines) - 1)), int((where + span) % 1 * (len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


def _replace_json_value(text: str, where: float, span: float, payload: str) -> str:
    """A JSON text with one value (chosen by `where`) replaced by one of the wrong kind (chosen by
    `span`); a text that is not JSON is returned as it is."""
    try:
        document = json.loads(text)
    except ValueError:
        return text
    slots: list[tuple[Any, Any]] = []
    stack = [document]
    while stack:
        node = stack.pop()
        pairs = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in pairs:
            slots.append((node, key))
            stack.append(value)
    if not slots:
        return text
    node, key = slots[int(where * (len(slots) - 1))]
    choices = [payload, 12345, -1, 1e308, None, True, [], {}, [payload], {"x": payload}, "", [[[payload]]],
               {"family": payload, "given": None}, {"date-parts": [[payload]]}]
    node[key] = choices[int(span * 1000) % len(choices)]
    return json.dumps(document, ensure_ascii=False)


def write_case(path: Path, text: str, encoding: str) -> None:
    """The text as the bytes of a file (a raw lone surrogate becomes bytes that are not UTF-8)."""
    path.write_bytes(text.encode(encoding, "surrogatepass"))


def check_ingest(library: Library, path: Path, fmt: str) -> dict[str, Any]:
    """Ingest one file and check the invariants; returns the file's report."""
    report = ingest(library, [path], fmt=fmt)
    file = report.files[0]
    name = str(path)
    assert file.read == file.added + file.merged + file.rejected, file
    if file.error:
        assert file.error.startswith(name + ":") or file.error.startswith(name + ","), file.error
        assert "\n" not in file.error.strip() and "Traceback" not in file.error
    for reject in file.rejects:
        assert reject["file"] == name, reject
        assert reject["position"], reject
        assert reject["field"], reject
        assert reject["reason"], reject
        json.dumps(reject)  # storable, printable
    for warning in file.warnings:
        assert warning.startswith(name + ", ") or warning.startswith(name + ":"), warning
        warning.encode("utf-8")  # no lone surrogate left to print
    return {"read": file.read, "added": file.added, "merged": file.merged, "rejected": file.rejected,
            "error": file.error, "warnings": len(file.warnings)}


# ---- the brief parser -----------------------------------------------------------------------------

EVENT_WORDS = ["Kazakhstan", "Almaty", "January 2022", "protests", "CSTO", "Tokayev", "fuel", "since 2019",
               "Kazakh", "ex-Soviet", "2022-01-05", "—", "/", "../../etc/passwd", "\ud800", "{", "\x00"]


def event_texts() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(EVENT_WORDS + PAYLOADS[:30]), st.text(max_size=30)),
                    max_size=12).map(" ".join)


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                        st.text(max_size=20), st.sampled_from(EVENT_WORDS))
    return st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                        max_leaves=12)


def briefs() -> st.SearchStrategy[dict[str, Any]]:
    fields = st.fixed_dictionaries({}, optional={
        "text": st.one_of(event_texts(), json_values()), "query": json_values(), "places": json_values(),
        "actors": json_values(), "period": json_values(), "key_phrases": json_values()})
    return fields


def check_brief_text(text: str) -> None:
    """A brief from any text, or an InputError saying why not; always JSON-ready."""
    for parse in (brief_from_text, load_brief):
        try:
            brief = parse(text)
        except InputError as e:
            assert str(e)
            continue
        json.dumps(brief.to_dict(), ensure_ascii=False).encode("utf-8")


def check_brief_dict(data: dict[str, Any]) -> None:
    try:
        brief = EventBrief.from_dict(data)
    except InputError as e:
        assert str(e)
        return
    json.dumps(brief.to_dict(), ensure_ascii=False).encode("utf-8")
