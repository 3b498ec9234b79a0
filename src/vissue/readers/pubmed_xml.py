"""PubMed XML (efetch / 'Save as XML'): <PubmedArticleSet> of <PubmedArticle> elements.

Parsed with lxml and a safe parser (no DTD loading, no entity expansion, no network). The
whole file is parsed before any record is given out, so a file that is not well-formed XML
raises FormatError naming its line and gives no records. Files made by appending several
efetch answers (one XML declaration each) are read as their parts, one after the other.

The XML helpers here (`parse_xml`, `text_of`, `to_data`) are shared with the JATS reader.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from ..errors import FormatError
from ..ids import (
    normalize_doi,
    normalize_isbn,
    normalize_issn,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
)
from ..text import clean_abstract, clean_field
from ..work import Author, DocType, Origin, Reject, Venue, Work, parse_year
from .fields import add_unique
from .medline import expand_pages, pubmed_doc_type

FORMAT = "pubmed"

_SNIFF = re.compile(
    r"<(?:PubmedArticleSet|PubmedArticle|PubmedBookArticle)[\s>]"
    r"|<!DOCTYPE\s+PubmedArticleSet|DTD PubMedArticle|/pubmed_\d+\.dtd"
)
_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")


# --- XML helpers (also used by the JATS reader) -------------------------------------------

def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True,
        remove_blank_text=False, encoding="utf-8",
    )


def parse_xml(text: str, *, file: str, first_line: int = 1) -> etree._Element:
    """The root element of `text`; FormatError naming the file and line if not well-formed.

    `text` is already decoded, so the document's own encoding declaration is overridden.
    """
    try:
        return etree.fromstring(text.encode("utf-8"), _parser())
    except etree.XMLSyntaxError as e:
        line = (e.lineno or 1) + first_line - 1
        message = (e.msg or str(e)).split("\n")[0]
        raise FormatError(f"{file}, line {line}: not well-formed XML ({message})") from e


def local(tag: object) -> str:
    """'{ns}name' -> 'name'; '' for comments and processing instructions."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def entity_text(node: etree._Entity) -> str:
    name = node.name
    char = html.entities.html5.get(f"{name};")
    return char if char is not None else f"&{name};"


_INLINE = frozenset({"sub", "sup", "inf"})


def text_of(elem: etree._Element | None, *, skip: frozenset[str] = frozenset()) -> str:
    """All the text in an element, nested markup included; comments, processing
    instructions and elements named in `skip` left out; undeclared entities decoded."""
    if elem is None:
        return ""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child, etree._Entity):
                parts.append(entity_text(child))
            elif isinstance(child.tag, str) and local(child.tag) not in skip:
                if local(child.tag) in _INLINE and parts and "\n" in parts[-1][len(parts[-1].rstrip()):]:
                    # 'β\n\t\t<sub>2</sub>': a line break that pretty-printing put there
                    parts[-1] = parts[-1].rstrip()
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(elem)
    return "".join(parts)


def to_data(elem: etree._Element) -> Any:
    """An element as JSON-able data for `extra`: text for a leaf, a dict for the rest
    (attributes as '@name', repeated children as lists)."""
    children = [c for c in elem if isinstance(c.tag, str)]
    attrs = {f"@{local(k)}": v for k, v in elem.attrib.items()}
    if not children:
        text = " ".join(text_of(elem).split())
        if not attrs:
            return text
        return {**attrs, "#text": text} if text else attrs
    data: dict[str, Any] = dict(attrs)
    for child in children:
        key = local(child.tag)
        value = to_data(child)
        if key in data:
            old = data[key]
            data[key] = [*old, value] if isinstance(old, list) else [old, value]
        else:
            data[key] = value
    return data


def _split_documents(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each XML document in a file that may hold several."""
    starts = [m.start() for m in re.finditer(r"<\?xml\b", text)]
    if len(starts) <= 1:
        return [(1, text)]
    parts = []
    if text[: starts[0]].strip():
        starts.insert(0, 0)
    for i, begin in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        parts.append((text.count("\n", 0, begin) + 1, text[begin:end]))
    return parts


# --- the reader -------------------------------------------------------------------------

def sniff(head: str) -> bool:
    return head.startswith("<") and bool(_SNIFF.search(head))


def _find(elem: etree._Element | None, path: str) -> etree._Element | None:
    return None if elem is None else elem.find(path)


def _text(elem: etree._Element | None, path: str | None = None) -> str | None:
    if elem is not None and path:
        elem = elem.find(path)
    if elem is None:
        return None
    return clean_field(text_of(elem))


def _abstract(abstract: etree._Element | None) -> str | None:
    if abstract is None:
        return None
    paragraphs = []
    for part in abstract.findall("AbstractText"):
        body = " ".join(text_of(part).split())
        label = (part.get("Label") or "").strip()
        if label and body:
            paragraphs.append(f"{label}: {body}")
        elif body:
            paragraphs.append(body)
    return clean_abstract("\n".join(paragraphs))


def _authors(author_list: etree._Element | None) -> tuple[list[Author], list[Any]]:
    """Authors, and (for extra) the entries that are not valid authors."""
    authors: list[Author] = []
    left: list[Any] = []
    if author_list is None:
        return authors, left
    for item in author_list.findall("Author"):
        if item.get("ValidYN", "Y").upper() == "N":
            left.append(to_data(item))
            continue
        collective = _text(item, "CollectiveName")
        family = _text(item, "LastName")
        if family:
            given = _text(item, "ForeName") or _text(item, "Initials") or ""
            suffix = _text(item, "Suffix")
            if suffix:
                given = f"{given} {suffix}".strip()
            author = Author(family=family, given=given)
        elif collective:
            author = Author(family=collective)
        else:
            left.append(to_data(item))
            continue
        for ident in item.findall("Identifier"):
            if (ident.get("Source") or "").upper() == "ORCID" and not author.orcid:
                author.orcid = normalize_orcid(ident.text)
        affiliations = [a for a in (_text(x) for x in item.iterfind("AffiliationInfo/Affiliation")) if a]
        if affiliations:
            author.affiliation = "; ".join(affiliations)
        authors.append(author)
    return authors, left


def _mesh(mesh_list: etree._Element | None) -> tuple[list[str], list[str]]:
    """(descriptor names, 'Descriptor/*qualifier' strings as MEDLINE writes them)."""
    names: list[str] = []
    full: list[str] = []
    if mesh_list is None:
        return names, full
    for heading in mesh_list.findall("MeshHeading"):
        descriptor = heading.find("DescriptorName")
        name = _text(descriptor)
        if not name or descriptor is None:
            continue
        names.append(name)
        star = "*" if descriptor.get("MajorTopicYN") == "Y" else ""
        quals = heading.findall("QualifierName")
        if not quals:
            full.append(f"{star}{name}")
        for qual in quals:
            qstar = "*" if qual.get("MajorTopicYN") == "Y" else ""
            full.append(f"{name}/{qstar}{_text(qual)}")
    return names, full


def _pages(pagination: etree._Element | None) -> str | None:
    if pagination is None:
        return None
    start = _text(pagination, "StartPage")
    end = _text(pagination, "EndPage")
    if start:
        return expand_pages(f"{start}-{end}" if end and end != start else start)
    return expand_pages(_text(pagination, "MedlinePgn"))


def _keep_rest(extra: dict[str, Any], elem: etree._Element | None, mapped: set[str]) -> None:
    """Put the children of `elem` not in `mapped` into `extra`, keyed by tag."""
    if elem is None:
        return
    for child in elem:
        name = local(child.tag)
        if not name or name in mapped:
            continue
        value = to_data(child)
        if name in extra:
            old = extra[name]
            extra[name] = [*old, value] if isinstance(old, list) else [old, value]
        else:
            extra[name] = value


_CITATION_MAPPED = {"PMID", "Article", "MeshHeadingList", "KeywordList"}
_ARTICLE_MAPPED = {"Journal", "ArticleTitle", "Pagination", "Abstract", "AuthorList",
                   "Language", "PublicationTypeList"}
_JOURNAL_MAPPED = {"ISSN", "JournalIssue", "Title", "ISOAbbreviation"}
_ISSUE_MAPPED = {"Volume", "Issue"}
_PUBMEDDATA_MAPPED = {"ArticleIdList", "ReferenceList"}
_BOOKDOC_MAPPED = {"PMID", "ArticleIdList", "Book", "ArticleTitle", "Abstract", "AuthorList",
                   "Language", "PublicationType", "KeywordList", "Pagination"}
_BOOK_MAPPED = {"Publisher", "BookTitle", "PubDate", "Isbn", "AuthorList", "Volume"}


def _article_ids(id_list: etree._Element | None, ids: dict[str, str], extra: dict[str, Any]) -> None:
    if id_list is None:
        return
    others: dict[str, Any] = {}
    for item in id_list.findall("ArticleId"):
        kind = (item.get("IdType") or "").lower()
        value = (item.text or "").strip()
        if kind == "doi" and normalize_doi(value):
            ids.setdefault("doi", normalize_doi(value) or "")
        elif kind == "pmc" and normalize_pmcid(value):
            ids.setdefault("pmcid", normalize_pmcid(value) or "")
        elif kind == "pubmed" and normalize_pmid(value):
            ids.setdefault("pmid", normalize_pmid(value) or "")
        elif value:
            others.setdefault(kind or "other", []).append(value)
    if others:
        extra["ArticleIdList"] = {k: v[0] if len(v) == 1 else v for k, v in others.items()}


def _references(pubmed_data: etree._Element | None) -> list[str]:
    refs: list[str] = []
    if pubmed_data is None:
        return refs
    for ref_list in pubmed_data.findall("ReferenceList"):
        for ref in ref_list.iter("Reference"):
            citation = _text(ref, "Citation")
            if citation:
                refs.append(citation)
    return refs


def _article_work(record: etree._Element, *, file: str, position: str, raw: str) -> Work | Reject:
    citation = record.find("MedlineCitation")
    article = _find(citation, "Article")
    pubmed_data = record.find("PubmedData")
    title_elem = _find(article, "ArticleTitle")
    title = _text(title_elem)
    if not title:
        title = _text(article, "VernacularTitle")
    if not title:
        reason = "record has no title" if title_elem is None else "the ArticleTitle is empty"
        return Reject(file, position, "ArticleTitle", reason, raw)

    extra: dict[str, Any] = {}
    ids: dict[str, str] = {}
    pmid = normalize_pmid(_text(citation, "PMID"))
    if pmid:
        ids["pmid"] = pmid
    _article_ids(_find(pubmed_data, "ArticleIdList"), ids, extra)
    if "doi" not in ids and article is not None:
        for loc in article.findall("ELocationID"):
            if (loc.get("EIdType") or "").lower() == "doi" and normalize_doi(loc.text):
                ids["doi"] = normalize_doi(loc.text) or ""
                break

    journal = _find(article, "Journal")
    issue = _find(journal, "JournalIssue")
    venue = Venue(name=_text(journal, "Title"), abbreviation=_text(journal, "ISOAbbreviation")
                  or _text(citation, "MedlineJournalInfo/MedlineTA"))
    if journal is not None:
        for issn in journal.findall("ISSN"):
            kind = (issn.get("IssnType") or "Print").lower()
            value = normalize_issn(issn.text)
            if kind == "electronic" and value and not venue.eissn:
                venue.eissn = value
            elif kind == "print" and value and not venue.issn:
                venue.issn = value
            else:
                extra.setdefault("ISSN", []).append(to_data(issn))

    pub_date = _find(issue, "PubDate")
    year = parse_year(_text(pub_date, "Year")) or parse_year(_text(pub_date, "MedlineDate"))
    if year is None and article is not None:
        year = parse_year(_text(article, "ArticleDate/Year"))
    if pub_date is not None:
        extra["PubDate"] = to_data(pub_date)

    authors, invalid = _authors(_find(article, "AuthorList"))
    if invalid:
        extra["AuthorList (not read as authors)"] = invalid
    author_list = _find(article, "AuthorList")
    if author_list is not None and (author_list.get("Type") or "authors") != "authors":
        extra["AuthorList"] = to_data(author_list)
        authors = []

    keywords: list[str] = []
    if citation is not None:
        for kw_list in citation.findall("KeywordList"):
            add_unique(keywords, [_text(k) for k in kw_list.findall("Keyword")])
    mesh_names, mesh_full = _mesh(_find(citation, "MeshHeadingList"))
    add_unique(keywords, list(mesh_names))
    if mesh_full:
        extra["MeshHeadingList"] = mesh_full

    types = [t for t in (_text(x) for x in (article.iterfind("PublicationTypeList/PublicationType")
                                              if article is not None else [])) if t]
    if types:
        extra["PublicationTypeList"] = types
    languages = [t for t in (_text(x) for x in (article.findall("Language")
                                                  if article is not None else [])) if t]
    status = (_text(pubmed_data, "PublicationStatus") or "").lower()

    if citation is not None:
        extra.update({f"@{k}": v for k, v in citation.attrib.items()})
    _keep_rest(extra, citation, _CITATION_MAPPED)
    _keep_rest(extra, article, _ARTICLE_MAPPED)
    _keep_rest(extra, journal, _JOURNAL_MAPPED)
    _keep_rest(extra, issue, _ISSUE_MAPPED | {"PubDate"})
    _keep_rest(extra, pubmed_data, _PUBMEDDATA_MAPPED)
    abstract_elem = _find(article, "Abstract")
    if abstract_elem is not None and abstract_elem.find("CopyrightInformation") is not None:
        extra["CopyrightInformation"] = _text(abstract_elem, "CopyrightInformation")
    if article is not None and article.get("PubModel"):
        extra["PubModel"] = article.get("PubModel")

    return Work(
        title=title,
        ids=ids,
        authors=authors,
        year=year,
        venue=venue,
        volume=_text(issue, "Volume"),
        issue=_text(issue, "Issue"),
        pages=_pages(_find(article, "Pagination")),
        doc_type=pubmed_doc_type(types),
        early_access=status in {"aheadofprint", "aheadofprint-epublish"},
        language="; ".join(languages) if languages else None,
        abstract=_abstract(abstract_elem),
        keywords=keywords,
        references=_references(pubmed_data),
        extra=extra,
        origin=Origin(file=file, position=position, format=FORMAT, raw=raw),
    )


def _book_work(record: etree._Element, *, file: str, position: str, raw: str) -> Work | Reject:
    """A <PubmedBookArticle> (NCBI Bookshelf): a book, or a chapter of one."""
    document = record.find("BookDocument")
    book = _find(document, "Book")
    chapter_title = _text(document, "ArticleTitle")
    book_title = _text(book, "BookTitle")
    title = chapter_title or book_title
    if not title:
        return Reject(file, position, "ArticleTitle", "record has no title", raw)
    extra: dict[str, Any] = {}
    ids: dict[str, str] = {}
    pmid = normalize_pmid(_text(document, "PMID"))
    if pmid:
        ids["pmid"] = pmid
    _article_ids(_find(document, "ArticleIdList"), ids, extra)
    _article_ids(_find(record, "PubmedBookData/ArticleIdList"), ids, extra)
    authors, invalid = _authors(_find(document, "AuthorList"))
    if invalid:
        extra["AuthorList (not read as authors)"] = invalid
    if not authors:
        authors, _ = _authors(_find(book, "AuthorList"))
    isbns = [i for i in (normalize_isbn(_text(x)) for x in (book.findall("Isbn") if book is not None else [])) if i]
    keywords: list[str] = []
    if document is not None:
        for kw_list in document.findall("KeywordList"):
            add_unique(keywords, [_text(k) for k in kw_list.findall("Keyword")])
    types = [t for t in (_text(x) for x in (document.findall("PublicationType")
                                              if document is not None else [])) if t]
    languages = [t for t in (_text(x) for x in (document.findall("Language")
                                                  if document is not None else [])) if t]
    _keep_rest(extra, document, _BOOKDOC_MAPPED)
    _keep_rest(extra, book, _BOOK_MAPPED)
    _keep_rest(extra, record.find("PubmedBookData"), {"ArticleIdList"})
    doc_type = pubmed_doc_type(types)
    if doc_type is DocType.OTHER or doc_type is DocType.ARTICLE:
        doc_type = DocType.CHAPTER if chapter_title and book_title else DocType.BOOK
    return Work(
        title=title,
        ids=ids,
        isbns=isbns,
        authors=authors,
        year=parse_year(_text(book, "PubDate/Year")) or parse_year(_text(book, "PubDate/MedlineDate")),
        venue=Venue(name=book_title if chapter_title else None,
                    publisher=_text(book, "Publisher/PublisherName")),
        volume=_text(book, "Volume"),
        pages=_pages(_find(document, "Pagination")),
        doc_type=doc_type,
        language="; ".join(languages) if languages else None,
        abstract=_abstract(_find(document, "Abstract")),
        keywords=keywords,
        extra=extra,
        origin=Origin(file=file, position=position, format=FORMAT, raw=raw),
    )


def read(text: str, *, file: str = "<text>") -> Iterator[Work | Reject]:
    """Works (or Rejects) from the text of a PubMed XML file."""
    roots = [parse_xml(part, file=file, first_line=line) for line, part in _split_documents(text)]
    for root in roots:
        if local(root.tag) not in {"PubmedArticleSet", *_RECORD_TAGS}:
            raise FormatError(f"{file}: not PubMed XML (its root element is <{local(root.tag)}>)")
    results: list[Work | Reject] = []
    number = 0
    for root in roots:
        records = [root] if local(root.tag) in _RECORD_TAGS else [
            c for c in root if local(c.tag) in _RECORD_TAGS]
        for record in records:
            number += 1
            position = f"record {number}"
            raw = etree.tostring(record, encoding="unicode", with_tail=False)
            try:
                if local(record.tag) == "PubmedArticle":
                    results.append(_article_work(record, file=file, position=position, raw=raw))
                else:
                    results.append(_book_work(record, file=file, position=position, raw=raw))
            except Exception as e:  # one bad record never stops the rest
                results.append(Reject(file, position, "record", f"record could not be read ({e})", raw))
    yield from results
