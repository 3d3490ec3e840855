"""Upload limits: the one check every door for files goes through (SPEC D10, L12, X2).

Attachments on the ticket page, import files and (next) files that arrive with email are checked
here against their `UploadLimits` before anything is stored: types by extension (the stored content
type comes from the limits, never from the sender), size, count, empty files. A refusal names every
file that breaks a limit and stores nothing.
"""

from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings

from .display import filesize

NAME_MAX_LENGTH = 255


class UploadRefused(Exception):
    """Files that break a limit; the message is written for the person who chose them."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class UploadLimits:
    types: dict  # extension (".pdf") -> the content type it is stored and served as
    max_bytes: int
    max_files: int
    noun: str  # how a size refusal names what is uploaded: "attachments can be at most 2 MB"
    wrong_type: str = ""  # said instead of the generic "… files are not allowed", when given
    too_large_hint: str = ""
    refused_suffix: str = ""
    check_content: bool = True  # the content must match the extension (SIGNATURES)

    @property
    def allowed_types_text(self):
        return ", ".join(ext.lstrip(".").upper() for ext in sorted(self.types))


def attachment_limits():
    return UploadLimits(
        types=settings.HELPDESK_ATTACHMENT_TYPES,
        max_bytes=settings.HELPDESK_ATTACHMENT_MAX_BYTES,
        max_files=settings.HELPDESK_ATTACHMENT_MAX_FILES,
        noun="attachments",
        refused_suffix=" Nothing was uploaded.",
    )


def import_limits():
    return UploadLimits(
        types={
            ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".csv": "text/csv",
        },
        max_bytes=settings.HELPDESK_IMPORT_MAX_BYTES,
        max_files=1,
        noun="an import",
        wrong_type="Choose an Excel workbook (.xlsx) or a CSV file (.csv).",
        too_large_hint=" Split it into smaller files.",
        check_content=False,  # the reader says precisely what is wrong with a file it can't read
    )


# What a file of each type starts with: (offset, bytes), any of which will do. A file whose content
# does not match its extension is refused, so a web page named photo.png is never kept as an image.
OLE = [(0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")]
ZIP = [(0, b"PK\x03\x04"), (0, b"PK\x05\x06")]
SIGNATURES = {
    ".pdf": [(0, b"%PDF-")],
    ".png": [(0, b"\x89PNG\r\n\x1a\n")],
    ".jpg": [(0, b"\xff\xd8\xff")],
    ".jpeg": [(0, b"\xff\xd8\xff")],
    ".gif": [(0, b"GIF87a"), (0, b"GIF89a")],
    ".webp": [(8, b"WEBP")],
    ".heic": [(4, b"ftyp")],
    ".mp4": [(4, b"ftyp")],
    ".mp3": [(0, b"ID3"), (0, b"\xff\xfb"), (0, b"\xff\xf3"), (0, b"\xff\xf2")],
    ".wav": [(8, b"WAVE")],
    ".rtf": [(0, b"{\\rtf")],
    ".doc": OLE, ".xls": OLE, ".ppt": OLE, ".msg": OLE,
    ".docx": ZIP, ".xlsx": ZIP, ".pptx": ZIP, ".odt": ZIP, ".ods": ZIP, ".zip": ZIP,
}
# Text files must not be markup a browser would run if it ever rendered them.
TEXT_TYPES = {".txt", ".log", ".csv", ".eml"}
MARKUP = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<iframe", b"<?xml")


def content_problem(upload, name, suffix):
    """Why the file's content is not what its name says, or None."""
    head = upload.read(2048)
    upload.seek(0)
    signatures = SIGNATURES.get(suffix)
    if signatures is not None and not any(head[offset:offset + len(magic)] == magic for offset, magic in signatures):
        return f"“{name}” is not a {suffix.lstrip('.').upper()} file: its content does not match its name."
    if suffix in TEXT_TYPES and head.lstrip().lower().startswith(MARKUP):
        return f"“{name}” is a web page, not text: it can't be attached as {suffix}."
    return None


@dataclass(frozen=True)
class CheckedUpload:
    file: object
    name: str  # the file's own name, without any folders, at most NAME_MAX_LENGTH characters
    content_type: str

    @property
    def suffix(self):
        return PurePath(self.name).suffix.lower()


def safe_name(upload):
    """The name a person gave the file, without folders; shortened to fit, never losing its extension."""
    name = PurePath(upload.name or "").name or "unnamed file"
    if len(name) > NAME_MAX_LENGTH:
        suffix = PurePath(name).suffix
        name = name[: NAME_MAX_LENGTH - len(suffix)] + suffix
    return name


def upload_problem(upload, limits):
    """Why this one file breaks `limits`, or None."""
    name = safe_name(upload)
    suffix = PurePath(name).suffix.lower()
    if suffix not in limits.types:
        if limits.wrong_type:
            return limits.wrong_type
        kind = f"{suffix} files" if suffix else "files without an extension"
        return f"“{name}” can't be attached: {kind} are not allowed."
    if upload.size > limits.max_bytes:
        return (
            f"“{name}” is {filesize(upload.size)}; {limits.noun} can be at most {filesize(limits.max_bytes)}."
            f"{limits.too_large_hint}"
        )
    if upload.size == 0:
        return f"“{name}” is empty."
    if limits.check_content:
        return content_problem(upload, name, suffix)
    return None


def check_uploads(files, limits):
    """The files as CheckedUploads, or UploadRefused naming every file that breaks a limit."""
    if not files:
        raise UploadRefused("Choose one or more files to upload." if limits.max_files > 1 else "Choose a file.")
    if len(files) > limits.max_files:
        raise UploadRefused(f"Upload at most {limits.max_files} files at a time; you chose {len(files)}.")
    problems = [problem for upload in files if (problem := upload_problem(upload, limits))]
    if problems:
        if not limits.wrong_type and any("are not allowed" in problem for problem in problems):
            problems.append(f"Allowed types: {limits.allowed_types_text}.")
        raise UploadRefused(" ".join(problems) + limits.refused_suffix)
    checked = []
    for upload in files:
        name = safe_name(upload)
        checked.append(CheckedUpload(upload, name, limits.types[PurePath(name).suffix.lower()]))
    return checked
