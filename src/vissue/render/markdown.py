"""The issue as Markdown: the page's content as text, for editors' tools and static sites.

Headings, the editorial's paragraphs, the image, the works theme by theme with DOI links and
abstracts, the reference list in the citation style, the journal's scope. Record text is
escaped so that nothing in a title or an abstract turns into markup (or HTML).
"""

from __future__ import annotations

import re

from ..issue import IssueWork, VirtualIssue
from . import author_display, doi_url, editorial_paragraphs, scope_text, theme_groups, year_label
from .citations import reference_list, style_title

_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def escape_markdown(text: str) -> str:
    """Markdown's and HTML's active characters backslash-escaped; a line that would start a
    heading, a list or a quote is guarded too."""
    text = _SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return re.sub(r"^([#+\-=]|\d+[.)])", r"\\\1", text)


def escape_inline(text: str) -> str:
    """Markdown's active characters escaped, for text inside a line ('10.1016/…' stays as it
    is: only a line's start could make it a list item)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _url(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def _work(work: IssueWork) -> list[str]:
    doi = work.ids.get("doi")
    url = doi_url(doi)
    title = escape_markdown(work.title or "(no title)")
    lines = [f"#### [{title}]({_url(url)})" if url else f"#### {title}", ""]
    if work.authors:
        lines.append(escape_markdown(", ".join(author_display(a) for a in work.authors)) + "  ")
    where = [f"*{escape_markdown(work.venue)}*" if work.venue else "", year_label(work)]
    if work.volume:
        where.append(escape_markdown(work.volume + (f"({work.issue})" if work.issue else "")))
    elif work.issue:
        where.append(f"no. {escape_markdown(work.issue)}")
    if work.pages:
        where.append(f"pp. {escape_markdown(work.pages.replace('-', '–'))}")
    source = ", ".join(x for x in where if x)
    if doi and url:
        source += f" · DOI [{escape_inline(doi)}]({_url(url)})"
    lines += [source, ""]
    for paragraph in re.split(r"\n\s*\n", work.abstract or ""):
        if paragraph.strip():
            lines += [f"> {escape_markdown(paragraph)}", ">"]
    if lines[-1] == ">":
        lines[-1] = ""
    if work.keywords:
        lines += ["*Keywords:* " + escape_markdown("; ".join(work.keywords)), ""]
    return lines


def render_markdown(issue: VirtualIssue, *, style: str | None = None) -> str:
    lines = [f"# {escape_markdown(issue.title)}", ""]
    if issue.journal.name:
        lines += [f"*A virtual issue of {escape_markdown(issue.journal.name)}*", ""]
    editorial = editorial_paragraphs(issue)
    for paragraph in editorial.lead:
        lines += [escape_markdown(" ".join(s.text for s in paragraph)), ""]
    if issue.image and issue.image.url:
        alt = escape_markdown(issue.image.caption or "Image of the event")
        lines += [f"![{alt}]({_url(issue.image.url)})", ""]
        caption = escape_markdown(issue.image.caption)
        if issue.image.credit:
            caption += f" Image credit: {escape_markdown(issue.image.credit)}."
        if caption.strip():
            lines += [f"*{caption.strip()}*", ""]
    for paragraph in editorial.body:
        lines += [escape_markdown(" ".join(s.text for s in paragraph)), ""]

    lines += ["## The articles", ""]
    for group in theme_groups(issue):
        lines += [f"### {group.number}. {escape_markdown(group.label)}", ""]
        for work in group.works:
            lines += _work(work)

    name = style or issue.journal.citation_style or "apa"
    references = reference_list(issue, style=name, output="markdown")
    if references:
        lines += ["## References", "", f"*{escape_markdown(style_title(name))}*", ""]
        lines += [f"- {r.text}" for r in references]
        lines.append("")
    scope = scope_text(issue)
    if scope:
        lines += [f"## About {escape_markdown(issue.journal.name or 'the journal')}", "",
                  escape_markdown(scope), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
