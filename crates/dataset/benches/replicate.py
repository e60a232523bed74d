"""Fills a folder with N report documents copied round-robin from a corpus (a folder, or one
file), for the benchmark, 1,000 a subfolder (000/, 001/, …).

    python3 replicate.py CORPUS_DIR_OR_FILE OUT_DIR N

Text forms (HTML, text, Markdown) get a unique trailing comment, so every copy has its own bytes
(its own report_id) and is extracted and written in full (most become `same_cells` duplicates of
the first copy, which are still written). DOCX and PDF copies are byte-identical (`same_bytes`
duplicates: extracted, but their cells are not written again).
"""

import pathlib
import sys

DOCUMENTS = {".html", ".htm", ".shtml", ".xhtml", ".docx", ".txt", ".text", ".md", ".markdown", ".pdf"}
COMMENT = {".html": "\n<!-- copy {} -->\n", ".htm": "\n<!-- copy {} -->\n", ".md": "\n<!-- copy {} -->\n"}


def main() -> None:
    corpus, out, n = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
    found = [corpus] if corpus.is_file() else corpus.rglob("*")
    sources = sorted(p for p in found if p.suffix.lower() in DOCUMENTS)
    if not sources:
        sys.exit(f"no documents under {corpus}")
    contents = [(p.suffix.lower(), p.read_bytes()) for p in sources]
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        suffix, data = contents[i % len(contents)]
        if suffix in {".docx", ".pdf"}:
            unique = b""
        else:
            unique = COMMENT.get(suffix, "\n# copy {}\n").format(i).encode()
        folder = out / f"{i // 1000:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"{i:06d}{suffix}").write_bytes(data + unique)
    print(f"{n} documents from {len(sources)} sources in {out}")


if __name__ == "__main__":
    main()
