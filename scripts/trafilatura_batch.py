"""Batch driver for the benchmark's anchor: trafilatura over many pages in one process.

Usage: trafilatura_batch.py OUTDIR FILE...  (writes OUTDIR/<name>.txt per page)
"""
import os
import sys

import trafilatura

outdir, files = sys.argv[1], sys.argv[2:]
for path in files:
    with open(path, "rb") as f:
        text = trafilatura.extract(f.read()) or ""
    name = os.path.basename(path).removesuffix(".gz").removesuffix(".html")
    with open(os.path.join(outdir, name + ".txt"), "w", encoding="utf-8") as out:
        out.write(text)
