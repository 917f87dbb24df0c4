"""Builds the 1,000-file batch test folder: the samples copied many times, 20 broken files."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SAMPLES

BROKEN = {
    "empty.txt": b"",
    "blank.txt": b"   \n\n",
    "nul.txt": b"\x00\x01\x02binary" * 100,
    "garbage.txt": bytes(range(128, 256)) * 30,
    "scan.pdf": b"%PDF-1.5\n%\xb5\xb5\xb5\xb5\n",
    "report.docx": b"PK\x03\x04\x14\x00\x06\x00\x08\x00",
    "report.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    "photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "notes.xyz": "一、总体情况".encode(),
    "chrome.html": b"<html><head><script>x()</script></head><body><nav>home</nav></body></html>",
}


def build(root: Path, copies: int = 980, broken: int = 20) -> dict[str, int]:
    samples = sorted(SAMPLES.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in samples]
    for i in range(copies):
        text = texts[i % len(texts)] + f"\n（归档编号：{i:05d}）\n"
        folder = root / f"batch{i // 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        if i % 7 == 3:
            (folder / f"r{i:05d}.txt").write_bytes(text.encode("gb18030"))
        elif i % 11 == 5:
            (folder / f"r{i:05d}.txt").write_bytes(text.encode("utf-16"))
        else:
            (folder / f"r{i:05d}.txt").write_text(text, encoding="utf-8")
    names = sorted(BROKEN)
    for k in range(broken):
        name = names[k % len(names)]
        folder = root / f"broken{k % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{k:02d}-{name}").write_bytes(BROKEN[name])
    return {"ok": copies, "broken": broken}
