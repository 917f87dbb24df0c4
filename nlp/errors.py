"""Error codes: every failure the user can meet has a greppable code (E001…).

A ``GkError`` always names the file (or model) it is about and says what is wrong in
one line, so a batch can record it and go on; nothing in the pipeline lets a raw
traceback reach the user.
"""

from __future__ import annotations

#: code -> message template. Keep codes stable: tests and users grep for them.
MESSAGES: dict[str, str] = {
    # input files
    "E001": "cannot read file: {detail}",
    "E002": "empty file: no text to analyze",
    "E003": "binary file: {detail}",
    "E004": "undecodable text: {detail}",
    "E005": "file too large: {detail}",
    "E006": "unknown file type: {detail}",
    "E007": "no report text found: {detail}",
    # models
    "E101": "model not found: {detail}",
    "E102": "model is corrupted or tampered with: {detail}",
    "E103": "model is incompatible: {detail}",
    # corpora
    "E201": "bad corpus record: {detail}",
    # output / storage
    "E301": "cannot write output: {detail}",
    "E302": "database error: {detail}",
    # internal: a bug, reported per file instead of stopping a batch
    "E900": "internal error while analyzing: {detail}",
    # store / query (issue 5)
    "E303": "bad query: {detail}",
    "E304": "missing optional package: {detail}",
    "E305": "cannot draw the chart: {detail}",
    # running on a cluster (issue 6)
    "E401": "cluster error: {detail}",
}


class GkError(Exception):
    """A user-facing error with a code and the file it concerns."""

    def __init__(self, code: str, path: str | None = None, detail: str = "") -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown error code {code}")
        self.code = code
        self.path = path
        self.detail = detail
        super().__init__(str(self))

    @property
    def message(self) -> str:
        return MESSAGES[self.code].format(detail=self.detail).rstrip(": ")

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.code} {self.message}"

    def to_dict(self) -> dict:
        return {"path": self.path, "code": self.code, "error": self.message}
