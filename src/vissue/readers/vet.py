"""What every record must be before the library stores it, whichever reader or source made it.

- Text that can be encoded: a lone UTF-16 surrogate (``"\\ud800"`` in a JSON export, a file
  name that is not UTF-8) is replaced by U+FFFD and reported, naming the file, the record and
  the field.
- No field larger than `MAX_FIELD_CHARS` characters (the longest field in the real samples, a
  Scopus reference list, has about 100,000): a larger one rejects the record with the reason.

`vet_work` and `vet_reject` are applied to every record on its way into the library
(`library.ingest`), so a reader used on its own yields the text as it found it.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from ..text import has_surrogate, replace_surrogates
from ..work import Author, Notice, Origin, Reject, Venue, Work

#: The most characters one field (a title, an abstract, all the cited references) may hold.
MAX_FIELD_CHARS = 1_000_000
#: The most characters one record's verbatim text may hold.
MAX_RECORD_CHARS = 10_000_000


def vet_work(work: Work, *, file: str, position: str) -> tuple[Work | Reject, list[Notice]]:
    """The work made storable (with a notice for each repair), or a Reject saying why it cannot be."""
    notices: list[Notice] = []
    file, position = replace_surrogates(file), replace_surrogates(position)
    raw = work.origin.raw if work.origin else ""
    texts = _strings(work)  # every string of the record, its origin (raw text, file) included
    if sum(map(len, texts)) - len(raw) > MAX_FIELD_CHARS:  # only then can one field be too large
        for f in fields(work):
            size = sum(map(len, _strings(getattr(work, f.name)))) if f.name != "origin" else 0
            if size > MAX_FIELD_CHARS:  # a list or a venue counts all the text it holds
                return Reject(file, position, f.name, f"the field holds {size:,} characters, more than the "
                              f"{MAX_FIELD_CHARS:,} a field may hold", _excerpt(raw)), notices
    if len(raw) > MAX_RECORD_CHARS:
        return Reject(file, position, "record", f"the record is {len(raw):,} characters long, more than the "
                      f"{MAX_RECORD_CHARS:,} a record may be", _excerpt(raw)), notices
    if not has_surrogate("".join(texts)):
        return work, notices
    origin = work.origin

    def fix(value: str, name: str) -> str:
        if not has_surrogate(value):
            return value
        notices.append(Notice(file, position, name, "a lone surrogate (an unpaired \\ud800-\\udfff escape) "
                              "was replaced by U+FFFD"))
        return replace_surrogates(value)

    _fix_dataclass(work, "", fix, skip={"origin", "authors", "venue", "extra"})
    for i, author in enumerate(work.authors):
        _fix_dataclass(author, f"authors[{i}].", fix)
    _fix_dataclass(work.venue, "venue.", fix)
    work.extra = _fix_any(work.extra, "extra", fix)
    if origin:
        # The file and position are named in every notice already; the raw text is the record.
        origin.file, origin.position = replace_surrogates(origin.file), replace_surrogates(origin.position)
        if has_surrogate(origin.raw):
            origin.raw = replace_surrogates(origin.raw)
            if not notices:
                notices.append(Notice(file, position, "raw record", "a lone surrogate was replaced by U+FFFD"))
    return work, notices


def vet_reject(reject: Reject) -> Reject:
    """A reject whose text can be stored (lone surrogates replaced; the raw text cut to a size)."""
    return Reject(replace_surrogates(reject.file), replace_surrogates(reject.position),
                  replace_surrogates(reject.field) if reject.field else reject.field,
                  replace_surrogates(reject.reason), replace_surrogates(_excerpt(reject.raw)))


def _excerpt(raw: str) -> str:
    return raw if len(raw) <= MAX_FIELD_CHARS else raw[:MAX_FIELD_CHARS] + " …"


def _strings(value: Any) -> list[str]:
    """The text of a value: every string of it, nested lists, dicts (keys too) and records (a
    Work, its Authors, Venue and Origin) included, walked without recursion (a list of strings
    comes back as one). Exact types are tested first: this runs on every record ingested."""
    found, stack = [], [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            found.append(item)
        elif item is None or kind in _SCALARS:
            continue
        elif kind in _RECORDS:
            stack.extend(vars(item).values())
        elif kind is list or kind is tuple:
            try:  # a list of strings (references, keywords) at C speed
                found.append("".join(item))
            except TypeError:
                stack.extend(item)
        elif isinstance(item, str):  # a DocType
            found.append(item)
        elif isinstance(item, dict):
            try:
                found.append("".join(item))  # the keys
            except TypeError:
                stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif is_dataclass(item):
            stack.extend(vars(item).values())
    return found


_SCALARS = frozenset({int, float, bool})
_RECORDS = frozenset({Work, Author, Venue, Origin})


def _fix_dataclass(obj: Work | Author | Venue, prefix: str, fix: Any, *, skip: set[str] = frozenset()) -> None:
    for f in fields(obj):
        if f.name in skip:
            continue
        value = getattr(obj, f.name)
        if isinstance(value, str):
            setattr(obj, f.name, fix(value, prefix + f.name))
        elif isinstance(value, list | dict):
            setattr(obj, f.name, _fix_any(value, prefix + f.name, fix))


def _fix_any(value: Any, name: str, fix: Any) -> Any:
    """`value` (str, list, dict, nested) with `fix` applied to each string, keys included."""
    if isinstance(value, str):
        return fix(value, name)
    if isinstance(value, list):
        return [_fix_any(v, f"{name}[{i}]", fix) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {fix(k, f"{name} (a key)") if isinstance(k, str) else k: _fix_any(v, f"{name}.{k}", fix)
                for k, v in value.items()}
    return value
