"""Turn bytes into text without ever indexing mojibake.

Arabic text on disk comes as UTF-8 (with or without a BOM), sometimes as Windows-1256
(Arabic Windows/Office exports), rarely as ISO-8859-6 or UTF-16 with a BOM. The
decision is made on the whole input when it is at most :data:`HEAD_BYTES` (as news
articles are), else on its first :data:`SNIFF_BYTES`:

1. a BOM decides (UTF-8 or UTF-16);
2. NUL bytes, control characters or a known binary signature mean *binary file*;
3. strict UTF-8 wins if it decodes (real Windows-1256 Arabic never does: its letter
   bytes are not valid UTF-8 sequences);
4. otherwise Windows-1256, then ISO-8859-6, each accepted only if the result is
   plausibly Arabic: nearly all non-ASCII characters are Arabic-script letters or
   common punctuation, and Arabic letters are not glued to Latin ones. Decoding an
   ISO-8859-6 file as Windows-1256 gives accented Latin letters in the middle of
   Arabic words, and a Latin-1 file as ISO-8859-6 Arabic letters inside Latin words;
   both fail this check;
5. UTF-8 text that is itself mojibake (Arabic UTF-8 once decoded as Latin-1/cp1252 or
   as Windows-1256 and saved again: ``Ø§Ù„``, ``ط§ظ„``) is detected and refused.

Anything else is reported as undecodable rather than guessed. Measured on the real
corpora: the mojibake check rejects none of the 62,560 ANT, SaudiNewsNet and seed
articles, and every ANT article Windows-1256 can hold (31,009), re-encoded in it, decodes
back exactly.
``charset-normalizer`` was measured against these rules and not adopted: see the
package docstring of ``search.corpus``.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from search.arabic import (
    ARABIC_BLOCK,
    ARABIC_SUPPLEMENT,
    BOM,
    PRESENTATION_FORMS,
    SCRIPT_LETTERS,
)

#: Inputs up to this size are decoded in memory, in one piece.
HEAD_BYTES = 1 << 20
#: The beginning of a larger input on which its encoding is decided.
SNIFF_BYTES = 64 << 10

_BINARY_SIGNATURES = (
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x7fELF",
    b"MZ",
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_ARABIC_LETTER = re.compile(f"[{SCRIPT_LETTERS}]")
# Non-ASCII characters that legitimately surround Arabic letters: Arabic punctuation,
# diacritics and digits, presentation forms, BOM, NBSP, typographic quotes and dashes,
# ×, ÷, «», tatweel, ZWNJ...
_ARABIC_CONTEXT = re.compile(
    f"[{ARABIC_BLOCK}{ARABIC_SUPPLEMENT}{PRESENTATION_FORMS}{BOM}"
    r"\u00a0\u00ab\u00bb\u00b0\u00d7\u00f7\u200c-\u200f\u2013\u2014\u2018-\u201e\u2022\u2026]"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# An Arabic letter glued to a Latin one: how a Latin-1 text looks when decoded as Arabic.
_MIXED_SCRIPT = re.compile(f"[A-Za-z][{ARABIC_BLOCK}]|[{ARABIC_BLOCK}][A-Za-z]")

#: How the report names the legacy encodings it notes (a reader may convert the files).
ENCODING_NAMES = {"cp1256": "Windows-1256", "iso-8859-6": "ISO-8859-6", "utf-16": "UTF-16"}


def _mojibake_pair(codec: str) -> re.Pattern[str]:
    """Arabic UTF-8 seen through a single-byte ``codec``: lead byte D8-DB, continuation byte.

    Every Arabic letter becomes such a pair (``ا`` = D8 A7 → ``Ø§`` in cp1252, ``ط§`` in
    cp1256), so the pairs' density tells mojibake from text that merely contains them.
    """
    leads = bytes(range(0xD8, 0xDC)).decode(codec, errors="ignore")
    continuations = bytes(range(0x80, 0xC0)).decode(codec, errors="ignore")
    return re.compile(f"[{re.escape(leads)}][{re.escape(continuations)}]")


_MOJIBAKE_PAIRS = (_mojibake_pair("cp1252"), _mojibake_pair("latin-1"), _mojibake_pair("cp1256"))
_LATIN_LEADS = "\u00d8\u00d9\u00da\u00db"  # Ø Ù Ú Û: D8-DB in cp1252 and Latin-1
_MOJIBAKE_SAMPLE = 16 << 10


class DecodeProblem(Exception):
    """The input is not text this project can index; ``reason`` groups it in the report."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(slots=True)
class TextInput:
    """A decoded text stream plus what was learnt while deciding how to decode it."""

    stream: TextIO
    encoding: str
    head: str  # the decoded beginning, for format sniffing (``<DOC>``, ``[``)


def _count(pattern: re.Pattern[str], text: str) -> int:
    """Matches of ``pattern`` in ``text``, without findall's list of one-character strings.

    (For a 1 MiB head of Arabic that list costs ~40 MB; ``subn`` builds one string.)
    """
    return pattern.subn("", text)[1]


def is_plausible_arabic(text: str) -> bool:
    """True if ``text``'s non-ASCII characters are (nearly all) Arabic script or punctuation.

    and Arabic letters are not glued to Latin ones (``prىsident``: French decoded as
    ISO-8859-6). This is the guard for legacy single-byte decodings, which rarely fail
    and so cannot be trusted on their own.
    """
    non_ascii = _count(_NON_ASCII, text)
    if non_ascii == 0:
        return True
    arabic_letters = _count(_ARABIC_LETTER, text)
    in_context = _count(_ARABIC_CONTEXT, text)
    mixed = _count(_MIXED_SCRIPT, text)
    return (
        arabic_letters > 0
        and in_context >= 0.95 * non_ascii
        and mixed <= max(2, 0.02 * arabic_letters)
    )


def looks_like_mojibake(text: str) -> bool:
    """True for Arabic UTF-8 once decoded as cp1252/Latin-1 (``Ø§Ù„``) or cp1256 (``ط§ظ„``).

    In real Arabic such pairs are rare (``ضغط،``); in mojibake every letter is one, from
    the first line on, so the first :data:`_MOJIBAKE_SAMPLE` characters are enough.
    """
    sample = text[:_MOJIBAKE_SAMPLE]
    latin_leads = any(c in sample for c in _LATIN_LEADS)
    letters = -1
    for pattern in _MOJIBAKE_PAIRS if latin_leads else _MOJIBAKE_PAIRS[-1:]:
        pairs = _count(pattern, sample)
        if pairs >= 3:
            if letters < 0:
                letters = _count(_ARABIC_LETTER, sample)
            if pairs > 0.2 * letters:
                return True
    return False


def _check_binary(head: bytes) -> None:
    if head.startswith(_BINARY_SIGNATURES) or b"\x00" in head:
        raise DecodeProblem("binary file", f"starts with {head[:8]!r}")


def _decode_head(head: bytes, *, final: bool) -> tuple[str, str]:
    """Decide the encoding from ``head``; return (encoding, decoded head)."""
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        _check_binary(head)
        encoding = ""
    if encoding:
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=final)
        except UnicodeDecodeError as exc:
            raise DecodeProblem("undecodable text", f"invalid {encoding}: {exc.reason}") from exc
        return encoding, text
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=final)
    except UnicodeDecodeError:
        pass
    else:
        if looks_like_mojibake(text):
            raise DecodeProblem("mojibake", "Arabic UTF-8 once decoded as a single-byte code page")
        return "utf-8", text
    for legacy in ("cp1256", "iso-8859-6"):
        try:
            text = head.decode(legacy)
        except UnicodeDecodeError:
            continue
        if is_plausible_arabic(text):
            return legacy, text
    raise DecodeProblem(
        "undecodable text", "not UTF-8, and not plausible Arabic as Windows-1256 or ISO-8859-6"
    )


def _check_controls(text: str) -> None:
    """Refuse text in which control characters are frequent (binary that happened to decode).

    A stray control character in a scraped article is tolerated and kept as written.
    """
    if not _CONTROL.search(text):
        return
    controls = _count(_CONTROL, text)
    if controls > 0.01 * len(text):
        raise DecodeProblem("binary file", f"{controls} control characters")


def _normalise(text: str) -> str:
    _check_controls(text)
    # Universal newlines, as TextIOWrapper(newline=None) does for streamed inputs.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a whole file's bytes; return (text with ``\\n`` newlines and no BOM, encoding).

    Raises :class:`DecodeProblem` for empty, binary, undecodable or mojibake input.
    """
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        raise DecodeProblem("empty file")
    encoding, text = _decode_head(data, final=True)
    text = _normalise(text)
    if not text.strip():
        raise DecodeProblem("empty file")
    return text, encoding


class PrefixedStream(io.RawIOBase):
    """A raw stream that replays already-read bytes before continuing the original stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head.nbytes:
            n = min(len(buffer), self._head.nbytes)
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            if not self._head.nbytes:
                self._head = memoryview(b"")  # let the head's bytes be freed
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def open_text(raw: BinaryIO, *, newline: str | None = None) -> TextInput:
    """Open a binary stream as text, deciding the encoding on its head.

    Inputs up to :data:`HEAD_BYTES` are decoded in memory, all at once. Larger ones are
    streamed through ``TextIOWrapper`` with strict errors, the encoding decided on their
    first :data:`SNIFF_BYTES`; if the rest turns out not to be valid, reading raises
    ``UnicodeDecodeError`` mid-way and the reader reports it with the line it reached.
    ``newline`` is passed on as for ``open()`` (``""`` for csv).
    """
    head = raw.read(HEAD_BYTES + 1)
    if len(head) <= HEAD_BYTES:
        text, encoding = decode_bytes(head)
        return TextInput(io.StringIO(text, newline=newline), encoding, text[:4096])
    encoding, text = _decode_head(head[:SNIFF_BYTES], final=False)
    _check_controls(text)
    wrapper = io.TextIOWrapper(
        io.BufferedReader(PrefixedStream(head, raw)),
        encoding=encoding,
        errors="strict",
        newline=newline,
    )
    return TextInput(wrapper, encoding, text[:4096])
