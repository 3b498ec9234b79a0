"""JATS (and NLM 2.x) XML articles: the front matter of one <article> per file.

The main article's <front> gives the Work; translations (<sub-article article-type=
"translation">, <trans-abstract>, <trans-title-group>) and other sub-articles (peer-review
reports, replies) go into `extra`; <back>/<ref-list> gives the references. A PMC
<pmc-articleset> holding several <article>s yields one Work each ("record N").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from ..errors import FormatError
from ..ids import normalize_doi, normalize_issn, normalize_orcid, normalize_pmcid, normalize_pmid
from ..text import clean_abstract, clean_field
from ..work import (
    Author,
    DocType,
    Origin,
    Reject,
    Venue,
    Work,
    parse_doc_type,
    parse_name,
    parse_year,
)
from .fields import add_unique
from .medline import expand_pages
from .pubmed_xml import entity_text, local, parse_xml, text_of, to_data

FORMAT = "jats"

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ARTICLE_TAG = re.compile(r"<article[\s>]")
_MARKERS = re.compile(
    r"<article-meta[\s>]|<front[\s>]|JATS|journal-publishing|archivearticle|<journal-meta[\s>]"
    r"|-//NLM//DTD Journal"
)
_NOT_JATS = re.compile(r"<PubmedArticle|<PubmedBookArticle")
_SETS = {"pmc-articleset", "articles", "article-set", "collection"}

# JATS @article-type values, as labels parse_doc_type knows.
_ARTICLE_TYPES = {
    "research-article": "article",
    "review-article": "review",
    "systematic-review": "review",
    "book-review": "book-review",
    "product-review": "review",
    "article-commentary": "comment",
    "editorial": "editorial",
    "letter": "letter",
    "reply": "letter",
    "correction": "correction",
    "retraction": "retraction",
    "addendum": "addendum",
    "expression-of-concern": "correction",
    "case-report": "article",
    "brief-report": "article",
    "rapid-communication": "article",
    "short-communication": "article",
    "discussion": "article",
    "methods-article": "article",
    "data-paper": "data paper",
    "dissertation": "dissertation",
    "meeting-report": "report",
    "report": "report",
    "news": "news",
    "obituary": "editorial",
    "introduction": "editorial",
    "in-brief": "editorial",
    "editorial-material": "editorial",
    "preprint": "preprint",
    "abstract": None,
    "announcement": None,
    "books-received": None,
    "calendar": None,
    "collection": None,
    "oration": None,
    "other": None,
    "translation": None,
}

# pub-date kinds, most wanted first: the print issue's date is the one citations give.
_DATE_ORDER = ("ppub", "pub", "epub-ppub", "epub", "collection", "ecollection", "")


def sniff(head: str) -> bool:
    """An <article> root with JATS/NLM front matter (and not PubMed XML)."""
    return (head.startswith("<") and bool(_ARTICLE_TAG.search(head))
            and bool(_MARKERS.search(head)) and not _NOT_JATS.search(head))


# --- small helpers ------------------------------------------------------------------------

def _strip_namespaces(root: etree._Element) -> None:
    """Drop a default namespace some publishers put on JATS elements (MathML etc. kept)."""
    ns = root.tag.partition("}")[0][1:] if root.tag.startswith("{") else ""
    if not ns:
        return
    for elem in root.iter():
        if isinstance(elem.tag, str) and elem.tag.startswith("{" + ns + "}"):
            elem.tag = local(elem.tag)


def _kids(elem: etree._Element | None, name: str) -> list[etree._Element]:
    if elem is None:
        return []
    return [c for c in elem if local(c.tag) == name]


def _kid(elem: etree._Element | None, *names: str) -> etree._Element | None:
    """The first child named like one of `names`, trying the names in order."""
    for name in names:
        found = _kids(elem, name)
        if found:
            return found[0]
    return None


def _field(elem: etree._Element | None, skip: frozenset[str] = frozenset()) -> str | None:
    return None if elem is None else clean_field(text_of(elem, skip=skip))


_TITLE_SKIP = frozenset({"xref", "fn"})  # footnote markers ('*') in titles


def _joined(elem: etree._Element, skip: frozenset[str]) -> str:
    """Text of an element; parts that are only elements (no text between them) get ', '."""
    children = [c for c in elem if isinstance(c.tag, str) and local(c.tag) not in skip]
    loose = (elem.text or "").strip() or any((c.tail or "").strip() for c in elem)
    if not children or loose:
        return " ".join(text_of(elem, skip=skip).split())
    parts = [_joined(c, skip) for c in children]
    return ", ".join(p for p in parts if p)


def _lang(elem: etree._Element | None) -> str | None:
    return None if elem is None else elem.get(XML_LANG)


# --- parts of the front matter ---------------------------------------------------------------

def _title(meta: etree._Element | None) -> str | None:
    group = _kid(meta, "title-group")
    title = _field(_kid(group, "article-title"), _TITLE_SKIP)
    subtitle = _field(_kid(group, "subtitle"), _TITLE_SKIP)
    if title and subtitle:
        title = f"{title}{'' if title[-1] in ':.?!' else ':'} {subtitle}"
    return title


def _paragraphs(elem: etree._Element) -> list[str]:
    """Lines of an abstract (or of one of its sections)."""
    lines: list[str] = []
    if (elem.text or "").strip():
        lines.append(" ".join(elem.text.split()))
    for child in elem:
        name = local(child.tag)
        if not name or name in {"title", "label", "object-id"}:
            pass
        elif name == "sec":
            heading = _field(_kid(child, "title"))
            inner = _paragraphs(child)
            if heading and inner:
                lines.append(f"{heading}{'' if heading[-1] in ':.?' else ':'} {inner[0]}")
                lines.extend(inner[1:])
            elif heading:
                lines.append(heading)
            else:
                lines.extend(inner)
        elif name in {"list", "def-list"}:
            for item in child.iter("list-item", "def-item"):
                text = " ".join(text_of(item).split())
                if text:
                    lines.append(text)
        else:
            text = " ".join(text_of(child).split())
            if text:
                lines.append(text)
        if (child.tail or "").strip():
            lines.append(" ".join(child.tail.split()))
    return lines


def _abstract_text(elem: etree._Element | None) -> str | None:
    if elem is None:
        return None
    return clean_abstract("\n".join(_paragraphs(elem)))


def _pick_abstract(meta: etree._Element | None, lang: str | None) -> tuple[
        etree._Element | None, list[etree._Element]]:
    """The main abstract of the article and the other ones (graphical, teaser, …)."""
    abstracts = _kids(meta, "abstract")
    plain = [a for a in abstracts if (a.get("abstract-type") or "abstract") in {"abstract", "structured"}]
    pool = plain or abstracts
    main = next((a for a in pool if _lang(a) in {None, lang}), pool[0] if pool else None)
    return main, [a for a in abstracts if a is not main]


def _affiliation(aff: etree._Element) -> str | None:
    original = [i for i in aff.iter("institution") if i.get("content-type") == "original"]
    if original:
        return _field(original[0])
    return clean_field(_joined(aff, frozenset({"label", "email", "sup"})))


def _authors(meta: etree._Element | None, extra: dict[str, Any]) -> list[Author]:
    authors: list[Author] = []
    if meta is None:
        return authors
    groups = _kids(meta, "contrib-group")
    affs: dict[str, etree._Element] = {}
    for aff in meta.iter("aff"):
        if aff.get("id"):
            affs[aff.get("id") or ""] = aff
    referenced = {rid for x in meta.iter("xref") if x.get("ref-type") == "aff"
                  for rid in (x.get("rid") or "").split()}
    loose_meta = [a for a in _kids(meta, "aff") if a.get("id") not in referenced]
    others: list[dict[str, Any]] = []
    for group in groups:
        loose = [a for a in _kids(group, "aff") if a.get("id") not in referenced] + loose_meta
        for contrib in _kids(group, "contrib"):
            kind = (contrib.get("contrib-type") or "author").lower()
            author = _person(contrib)
            if author is None:
                continue
            if kind != "author":
                entry = {"contrib-type": kind, "name": author.display}
                role = _field(_kid(contrib, "role"))
                if role:
                    entry["role"] = role
                others.append(entry)
                continue
            places = [affs[rid] for x in contrib.iter("xref") if x.get("ref-type") == "aff"
                      for rid in (x.get("rid") or "").split() if rid in affs]
            places += _kids(contrib, "aff")
            if not places:
                places = loose
            texts: list[str] = []
            add_unique(texts, [_affiliation(a) for a in places])
            author.affiliation = "; ".join(texts) or None
            authors.append(author)
    if others:
        extra["contributors"] = others
    return authors


def _person(contrib: etree._Element) -> Author | None:
    name = _kid(contrib, "name", "string-name")
    if name is None:
        name = _kid(_kid(contrib, "name-alternatives"), "name", "string-name")
    author: Author | None = None
    if name is not None:
        family = _field(_kid(name, "surname"))
        given = _field(_kid(name, "given-names")) or ""
        suffix = _field(_kid(name, "suffix"))
        if suffix:
            given = f"{given} {suffix}".strip()
        if family:
            author = Author(family=family, given=given)
        elif given:
            author = Author(family=given)
        elif _field(name):
            author = parse_name(_field(name) or "")
    else:
        collab = _field(_kid(contrib, "collab"))
        if collab:
            author = Author(family=collab)
    if author is None:
        return None
    for ident in _kids(contrib, "contrib-id"):
        kind = (ident.get("contrib-id-type") or "").lower()
        if kind == "orcid" or "orcid.org" in (ident.text or ""):
            author.orcid = normalize_orcid(ident.text)
            break
    return author


def _dates(meta: etree._Element | None) -> tuple[int | None, dict[str, str]]:
    """The year (print date first) and every pub-date as {'epub': '2012-11-12', …}."""
    found: dict[str, str] = {}
    years: dict[str, int] = {}
    for date in _kids(meta, "pub-date"):  # elements only: a commented-out <pub-date> is skipped
        kind = date.get("pub-type") or date.get("date-type") or ""
        if date.get("publication-format") and kind in {"pub", ""}:
            key = f"{kind or 'pub'} ({date.get('publication-format')})"
        else:
            key = kind
        parts = [_field(_kid(date, p)) for p in ("year", "month", "day")]
        season = _field(_kid(date, "season"))
        value = "-".join(p.zfill(2) if i else p for i, p in enumerate(parts) if p)
        if season:
            value = f"{value} {season}".strip()
        found[key or "pub-date"] = value or (_field(date) or "")
        year = parse_year(parts[0]) or parse_year(date.get("iso-8601-date"))
        if year and kind not in years:
            years[kind] = year
    for kind in _DATE_ORDER:
        if kind in years:
            return years[kind], found
    return (next(iter(years.values())) if years else None), found


def _journal(jmeta: etree._Element | None, extra: dict[str, Any]) -> Venue:
    venue = Venue()
    if jmeta is None:
        return venue
    groups = _kids(jmeta, "journal-title-group") or [jmeta]
    for group in groups:
        venue.name = venue.name or _field(_kid(group, "journal-title"))
        venue.abbreviation = venue.abbreviation or _field(_kid(group, "abbrev-journal-title"))
    journal_ids = {(j.get("journal-id-type") or "other"): (j.text or "").strip()
                   for j in _kids(jmeta, "journal-id")}
    if journal_ids:
        extra["journal-id"] = journal_ids
    if not venue.abbreviation:
        venue.abbreviation = journal_ids.get("iso-abbrev") or journal_ids.get("nlm-ta") or None
    for issn in _kids(jmeta, "issn"):
        kind = (issn.get("pub-type") or issn.get("publication-format") or "").lower()
        value = normalize_issn(issn.text)
        if not value:
            continue
        if kind in {"epub", "electronic", "online"} and not venue.eissn:
            venue.eissn = value
        elif kind in {"ppub", "print", ""} and not venue.issn:
            venue.issn = value
        else:
            extra.setdefault("issn", []).append(to_data(issn))
    publisher = _kid(jmeta, "publisher")
    venue.publisher = _field(_kid(publisher, "publisher-name"))
    for child in jmeta:
        name = local(child.tag)
        if name and name not in {"journal-title-group", "journal-title", "abbrev-journal-title",
                                 "journal-id", "issn", "publisher"}:
            extra.setdefault(f"journal-meta/{name}", to_data(child))
    loc = _field(_kid(publisher, "publisher-loc"))
    if loc:
        extra["publisher-loc"] = loc
    return venue


def _ids(meta: etree._Element | None, extra: dict[str, Any]) -> dict[str, str]:
    ids: dict[str, str] = {}
    others: dict[str, str] = {}
    for item in _kids(meta, "article-id"):
        kind = (item.get("pub-id-type") or "other").lower()
        value = (item.text or "").strip()
        if kind == "doi" and normalize_doi(value) and "doi" not in ids:
            ids["doi"] = normalize_doi(value) or ""
        elif kind == "pmid" and normalize_pmid(value) and "pmid" not in ids:
            ids["pmid"] = normalize_pmid(value) or ""
        elif kind in {"pmc", "pmcid"} and "pmcid" not in ids and normalize_pmcid(
                value if value.upper().startswith("PMC") else f"PMC{value}"):
            ids["pmcid"] = normalize_pmcid(value if value.upper().startswith("PMC") else f"PMC{value}") or ""
        elif value:
            use = item.get("specific-use")
            others[f"{kind} ({use})" if use else kind] = value
    if others:
        extra["article-id"] = others
    return ids


def _keywords(meta: etree._Element | None, lang: str | None) -> list[str]:
    groups = _kids(meta, "kwd-group")
    groups.sort(key=lambda g: 0 if _lang(g) in {None, lang} else 1)  # stable: own language first
    keywords: list[str] = []
    for group in groups:
        add_unique(keywords, [_field(k) for k in group.iter("kwd", "compound-kwd")])
    return keywords


def _stub_entry(sub: etree._Element) -> dict[str, Any]:
    """Title, language, abstract (…) of a <sub-article> or <response>."""
    stub = _kid(sub, "front-stub", "front")
    meta = _kid(stub, "article-meta") if stub is not None and local(stub.tag) == "front" else stub
    entry: dict[str, Any] = {"type": sub.get("article-type") or local(sub.tag), "lang": _lang(sub)}
    if sub.get("id"):
        entry["id"] = sub.get("id")
    title = _title(meta)
    if title:
        entry["title"] = title
    scratch: dict[str, Any] = {}
    names = [a.display for a in _authors(meta, scratch)]
    if names:
        entry["authors"] = names
    main, _ = _pick_abstract(meta, _lang(sub))
    abstract = _abstract_text(main)
    if abstract:
        entry["abstract"] = abstract
    ids = _ids(meta, scratch)
    if ids.get("doi"):
        entry["doi"] = ids["doi"]
    keywords = _keywords(meta, _lang(sub))
    if keywords:
        entry["keywords"] = keywords
    return entry


def _sub_articles(article: etree._Element, translations: list[dict[str, Any]],
                  others: list[dict[str, Any]]) -> None:
    for sub in article:
        if local(sub.tag) not in {"sub-article", "response"}:
            continue
        entry = _stub_entry(sub)
        if (sub.get("article-type") or "") == "translation":
            entry.pop("type", None)
            entry.pop("authors", None)  # the article's own authors
            translations.append(entry)
        else:
            others.append(entry)
        _sub_articles(sub, translations, others)


_INLINE = frozenset({"italic", "bold", "sup", "sub", "sc", "underline", "monospace", "roman",
                     "sans-serif", "overline", "strike", "styled-content", "named-content",
                     "inline-formula", "break"})
_GAP = "\x00"


def _spaced_text(elem: etree._Element, skip: frozenset[str] = frozenset({"label"})) -> str:
    """Text of a mixed citation: where two of its parts touch ('ChakrobortyA', '…?Source19')
    a space goes between them; inline markup ('M<italic>m</italic>PPOX') is left joined."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child, etree._Entity):
                parts.append(entity_text(child))
            elif isinstance(child.tag, str) and local(child.tag) not in skip:
                inline = local(child.tag) in _INLINE or child.tag.startswith("{")
                if not inline:
                    parts.append(_GAP)
                walk(child)
                if not inline:
                    parts.append(_GAP)
            if child.tail:
                parts.append(child.tail)

    walk(elem)
    text = "".join(parts)
    text = re.sub(r"(?<=[^\s(\[\x00/‐–—-])\x00+(?=[^\s,.;:)\]\x00/‐–—-])", " ", text)
    return " ".join(text.replace(_GAP, "").split())


def _person_name(person: etree._Element) -> str:
    if local(person.tag) == "etal":
        return "et al"
    if local(person.tag) == "collab":
        return _field(person) or ""
    joined = " ".join(p for p in (_field(_kid(person, "surname")), _field(_kid(person, "given-names")))
                      if p)
    return joined or _field(person) or ""


def _element_citation(citation: etree._Element) -> str | None:
    """An element citation (fields, no punctuation) assembled as one line."""
    names: list[str] = []
    fields: dict[str, str] = {}
    rest: list[str] = []
    for child in citation:
        name = local(child.tag)
        if not name:
            continue
        if name == "person-group":
            names.extend(_person_name(p) for p in child if local(p.tag) in {
                "name", "string-name", "collab", "etal"})
        elif name in {"name", "string-name", "collab", "etal"}:
            names.append(_person_name(child))
        elif name == "pub-id":
            value = _field(child)
            if value:
                kind = child.get("pub-id-type") or ""
                rest.append(f"{kind}:{value}" if kind else value)
        else:
            value = _field(child, _TITLE_SKIP)
            if not value:
                continue
            if name in {"article-title", "chapter-title", "source", "year", "volume", "issue",
                        "fpage", "lpage", "publisher-name", "publisher-loc", "edition"}:
                fields.setdefault(name, value)
            else:
                rest.append(value)
    where = ": ".join(fields[k] for k in ("publisher-loc", "publisher-name") if k in fields)
    numbers = fields.get("year", "")
    if "volume" in fields:
        numbers += f";{fields['volume']}"
    if "issue" in fields:
        numbers += f"({fields['issue']})"
    if "fpage" in fields:
        pages = fields["fpage"] + (f"-{fields['lpage']}" if fields.get("lpage") not in {None, fields["fpage"]} else "")
        numbers += f":{pages}"
    parts = [", ".join(n for n in names if n), fields.get("article-title"), fields.get("chapter-title"),
             fields.get("source"), fields.get("edition"), where, numbers.lstrip(";:"), *rest]
    text = ". ".join(p.rstrip(". ") for p in parts if p and p.rstrip(". "))
    return clean_field(text) if text else None


def _citation_text(citation: etree._Element, label: str | None) -> str | None:
    """A reference as one line: mixed citations as written, element citations assembled."""
    if local(citation.tag) != "mixed-citation":
        return _element_citation(citation)
    text = _spaced_text(citation)
    if label and text.startswith(label):
        text = text[len(label):]  # '1 Pons JP, …' where the label is 1
    text = text.strip(" .,;")
    return clean_field(text) if text else None


def _references(article: etree._Element) -> list[str]:
    refs: list[str] = []
    back = _kid(article, "back")
    if back is None:
        return refs
    for ref in back.iter("ref"):
        citations = list(ref.iter("mixed-citation", "element-citation", "citation", "nlm-citation"))
        mixed = [c for c in citations if local(c.tag) == "mixed-citation"]
        label = _field(_kid(ref, "label"))
        chosen = (mixed or citations or [None])[0]
        if chosen is not None:
            text = _citation_text(chosen, label)
        else:
            text = clean_field(text_of(ref, skip=frozenset({"label"})))
        if text:
            refs.append(text)
    return refs


_META_MAPPED = {"article-id", "title-group", "contrib-group", "aff", "pub-date", "volume",
                "issue", "fpage", "lpage", "abstract", "trans-abstract", "kwd-group"}


def _work(article: etree._Element, *, file: str, position: str, raw: str) -> Work | Reject:
    front = _kid(article, "front")
    meta = _kid(front, "article-meta")
    title = _title(meta)
    if not title:
        return Reject(file, position, "article-title", "record has no title", raw)
    lang = _lang(article)
    extra: dict[str, Any] = {}
    ids = _ids(meta, extra)
    venue = _journal(_kid(front, "journal-meta"), extra)
    authors = _authors(meta, extra)
    year, dates = _dates(meta)
    if dates:
        extra["pub-date"] = dates

    first = _field(_kid(meta, "fpage"))
    last = _field(_kid(meta, "lpage"))
    elocation = _field(_kid(meta, "elocation-id"))
    if first:
        pages = expand_pages(f"{first}-{last}" if last and last != first else first)
    else:
        pages = _field(_kid(meta, "page-range")) or elocation
    if elocation:
        extra["elocation-id"] = elocation

    main_abstract, other_abstracts = _pick_abstract(meta, lang)
    for other in other_abstracts:
        text = _abstract_text(other)
        if text:
            key = f"abstract ({other.get('abstract-type') or _lang(other) or 'other'})"
            extra[key] = text

    translations: list[dict[str, Any]] = []
    group = _kid(meta, "title-group")
    for trans in _kids(group, "trans-title-group"):
        translations.append({"lang": _lang(trans) or _lang(_kid(trans, "trans-title")),
                             "title": _field(_kid(trans, "trans-title"), _TITLE_SKIP)})
    for trans in _kids(meta, "trans-abstract"):
        text = _abstract_text(trans)
        entry = next((t for t in translations if t["lang"] == _lang(trans) and "abstract" not in t),
                     None)
        if entry is None:
            entry = {"lang": _lang(trans)}
            translations.append(entry)
        if text:
            entry["abstract"] = text
    others: list[dict[str, Any]] = []
    _sub_articles(article, translations, others)
    if translations:
        extra["translations"] = translations
    if others:
        extra["sub-articles"] = others

    subjects: list[str] = []
    if meta is not None:
        add_unique(subjects, [_field(x) for x in meta.iter("subject")])
    if subjects:
        extra["subject"] = subjects
    for child in meta if meta is not None else []:
        name = local(child.tag)
        if name and name not in _META_MAPPED and name not in {"article-categories", "elocation-id"}:
            value = to_data(child)
            if name in extra:
                old = extra[name]
                extra[name] = [*old, value] if isinstance(old, list) else [old, value]
            else:
                extra[name] = value
    group_extra = [c for c in _kids(group, "alt-title") + _kids(group, "subtitle")]
    for child in group_extra:
        extra.setdefault(local(child.tag), []).append(_field(child, _TITLE_SKIP))

    kind = (article.get("article-type") or "").lower()
    label = _ARTICLE_TYPES.get(kind, kind.replace("-", " "))
    doc_type = parse_doc_type(label) if label else DocType.OTHER
    if kind:
        extra["article-type"] = kind

    return Work(
        title=title,
        ids=ids,
        authors=authors,
        year=year,
        venue=venue,
        volume=_field(_kid(meta, "volume")),
        issue=_field(_kid(meta, "issue")),
        pages=pages,
        doc_type=doc_type,
        language=lang,
        abstract=_abstract_text(main_abstract),
        keywords=_keywords(meta, lang),
        references=_references(article),
        extra=extra,
        origin=Origin(file=file, position=position, format=FORMAT, raw=raw),
    )


def read(text: str, *, file: str = "<text>") -> Iterator[Work | Reject]:
    """The Work (or Reject) of a JATS article file; one per <article> of an article set."""
    root = parse_xml(text, file=file)
    _strip_namespaces(root)
    name = local(root.tag)
    if name == "article":
        articles = [root]
    elif name in _SETS:
        articles = [c for c in root if local(c.tag) == "article"]
    else:
        raise FormatError(f"{file}: not a JATS article (its root element is <{name}>)")
    results: list[Work | Reject] = []
    for number, article in enumerate(articles, start=1):
        position = f"record {number}"
        raw = text if len(articles) == 1 and article is root else etree.tostring(
            article, encoding="unicode", with_tail=False)
        try:
            results.append(_work(article, file=file, position=position, raw=raw))
        except Exception as e:  # one bad record never stops the rest
            results.append(Reject(file, position, "record", f"record could not be read ({e})", raw))
    yield from results
