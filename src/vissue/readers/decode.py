"""Bytes to text: BOMs, UTF-16, stray Latin-1 in UTF-8 files, binary files, line endings."""

from __future__ import annotations

import codecs

from ..errors import FormatError


def _looks_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' for BOM-less UTF-16 text (every other byte NUL), else None."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even_nul = sample[0::2].count(0) / len(sample[0::2])
    odd_nul = sample[1::2].count(0) / len(sample[1::2])
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _is_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) * 0.05


def decode_bytes(data: bytes, *, file: str) -> tuple[str, list[str]]:
    """Decode an export: returns the text (line endings made '\\n') and warnings naming lines.

    UTF-8 is expected; a line that is not valid UTF-8 is read as Windows-1252 (a superset of
    Latin-1 for text) and reported, so that one mis-encoded record does not lose the file.
    """
    if not data.strip():
        raise FormatError(f"{file}: the file is empty")
    encoding = None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = _looks_utf16(data)
    if encoding:
        try:
            return _lines(data.decode(encoding)), []
        except UnicodeDecodeError as e:
            raise FormatError(f"{file}: looks like UTF-16 but cannot be decoded ({e.reason})") from e
    if _is_binary(data):
        raise FormatError(
            f"{file}: is a binary file, not a text export (is it compressed? unzip it first)"
        )
    try:
        return _lines(data.decode("utf-8")), []
    except UnicodeDecodeError:
        pass
    warnings = []
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    out = []
    for number, line in enumerate(lines, start=1):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError as e:
            bad = line[e.start:e.start + 1].hex()
            out.append(line.decode("cp1252", errors="replace"))
            warnings.append(
                f"{file}, line {number}: not valid UTF-8 (byte 0x{bad} at column {e.start + 1}); "
                "read as Latin-1/Windows-1252 — check the accents in this record"
            )
    if len(warnings) > len(lines) // 2:
        warnings = [f"{file}: not UTF-8; read as Latin-1/Windows-1252 ({len(warnings)} lines)"]
    return "\n".join(out), warnings


def _lines(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
