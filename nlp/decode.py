"""Decode: bytes on disk -> a ``Source`` (text, format, encoding, hash).

Chinese government files come as UTF-8, UTF-16 (Word exports), GB2312/GBK/GB18030 and,
from big5 gateway pages, Big5. Detection does not trust declarations: a BOM settles it,
then UTF-8 is tried strictly, then the double-byte codecs are each tried and scored by
how much of the result is ordinary Chinese text (a wrong codec decodes to rare
characters). Whatever cannot be read ends as a ``GkError`` naming the file.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from pathlib import Path

from nlp import patterns as P
from nlp.errors import GkError
from nlp.htmltext import html_to_text
from nlp.model import Source

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

TEXT_SUFFIXES = frozenset({".txt", ".text", ".csv", ""})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml", ".jhtml", ".jsp", ".asp", ".aspx", ".php", ".do"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES

#: magic numbers of binary formats people drop in report folders
_MAGIC = (
    (b"%PDF", "a PDF document (convert it to text first)"),
    (b"PK\x03\x04", "a ZIP/Office (docx, xlsx) file (convert it to text first)"),
    (b"\xd0\xcf\x11\xe0", "an old Office (doc, xls) file (convert it to text first)"),
    (b"{\\rtf", "an RTF document (convert it to text first)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7z archive"),
    (b"\x7fELF", "an executable"),
)

_CANDIDATE_CODECS = ("gb18030", "big5hkscs", "cp950")


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format of ``data``, or None if it may be text."""
    head = data[:16]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: the NUL high bytes of ASCII characters (digits, line breaks)
    fall on one parity; few Chinese characters have a NUL byte, so a few percent of NULs,
    mostly on one side, is telling. The caller still checks the decoded text reads."""
    if len(data) < 4 or data.find(0, 0, 8192) < 0:
        return None  # (no NUL: below any threshold; found in C without copying the sample)
    sample = data[:8192]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    nuls = even + odd
    if nuls < max(2, len(sample) // 200):
        return None
    if odd >= 0.75 * nuls:
        return "utf-16-le"
    if even >= 0.75 * nuls:
        return "utf-16-be"
    return None


def _score(text: str) -> float:
    """The share of ASCII and frequent characters (P.COMMON_CHARS) in the text's first 20,000."""
    if not text:
        return 0.0
    sample = text[:20000]
    return (len(sample) - sum(map(len, P.UNCOMMON_RUN.findall(sample)))) / len(sample)


def decode_bytes(data: bytes, path: str) -> tuple[str, str, list[str]]:
    """Return (text, encoding, warnings) or raise E002/E003/E004."""
    warnings: list[str] = []
    if not data or data.isspace():  # (as "not data.strip()": the same whitespace, stops at the first other byte, no copy)
        raise GkError("E002", path)
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc.replace("-sig", ""), warnings
            except UnicodeDecodeError as e:
                raise GkError("E004", path, f"has a {enc} byte-order mark but is not valid {enc} ({e.reason} at byte {e.start})") from None
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            text = data.decode(utf16)
            if _score(text) >= 0.6:
                return text, utf16, warnings
        except UnicodeDecodeError:
            pass
    binary = sniff_binary(data)
    if binary:
        raise GkError("E006", path, binary)
    if data.find(0, 0, 65536) >= 0:
        raise GkError("E003", path, "contains NUL bytes; not a text file")
    try:
        return data.decode("utf-8"), "utf-8", warnings
    except UnicodeDecodeError as e:
        utf8_error = e
    best: tuple[float, str, str] | None = None
    for enc in _CANDIDATE_CODECS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _score(text)
        if best is None or score > best[0]:
            best = (score, enc, text)
    if best is not None and best[0] >= 0.6:
        return best[2], best[1], warnings
    # tolerate a few broken bytes (a truncated download) but not garbage
    for enc in ("utf-8", *_CANDIDATE_CODECS[:1]):
        text = data.decode(enc, errors="replace")
        bad = text.count("\ufffd")
        if bad <= max(3, len(text) // 2000) and _score(text) >= 0.6:
            warnings.append(f"{bad} undecodable byte sequence(s) replaced ({enc})")
            return text, enc, warnings
    raise GkError(
        "E004",
        path,
        f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}), UTF-16, GB18030 or Big5",
    )


def detect_format(path: str, text: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in HTML_SUFFIXES or (suffix not in MARKDOWN_SUFFIXES and P.HTML_SNIFF.match(text[:2048])):
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def from_bytes(data: bytes, path: str = "<bytes>", max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Decode one document already in memory."""
    if len(data) > max_bytes:
        raise GkError("E005", path, f"{len(data):,} bytes, over the limit of {max_bytes:,} (--max-bytes)")
    text, encoding, warnings = decode_bytes(data, path)
    fmt = detect_format(path, text)
    source = Source(
        path=path,
        text=text,
        format=fmt,  # type: ignore[arg-type]
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        warnings=warnings,
    )
    if fmt == "html":
        rendered = html_to_text(text)
        if not rendered.text or rendered.text.isspace():
            raise GkError("E007", path, "the HTML page has no text outside page chrome")
        source.view = rendered.text
        source.starts = rendered.starts
        source.ends = rendered.ends
    elif not text or text.isspace():  # (as "not text.strip()", without the copy)
        raise GkError("E002", path)
    return source


def check_suffix(path: str) -> None:
    suffix = Path(path).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise GkError(
            "E006",
            path,
            f"'{suffix}' files are not read (supported: .txt, .md, .html and similar)",
        )


def load(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read and decode one report file."""
    name = str(path)
    try:
        size = os.path.getsize(name)
        if size > max_bytes:
            raise GkError("E005", name, f"{size:,} bytes, over the limit of {max_bytes:,} (--max-bytes)")
        with open(name, "rb") as fh:
            # read(n) sets aside n bytes first: the size found above, not the limit (20 MB
            # mapped and unmapped per file); a file that grew since is read on, to the limit
            data = fh.read(size + 1)
            if len(data) > size:
                data += fh.read(max_bytes + 1 - len(data))
    except GkError:
        raise
    except IsADirectoryError:
        raise GkError("E001", name, "is a directory") from None
    except FileNotFoundError:
        raise GkError("E001", name, "no such file") from None
    except PermissionError:
        raise GkError("E001", name, "permission denied") from None
    except OSError as e:
        raise GkError("E001", name, e.strerror or str(e)) from None
    binary = sniff_binary(data)
    if binary:
        raise GkError("E006", name, binary)
    check_suffix(name)
    return from_bytes(data, name, max_bytes)
