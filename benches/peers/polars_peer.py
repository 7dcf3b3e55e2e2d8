#!/usr/bin/env python3
"""A peer for benches/ledger.rs: what an analyst does with polars, reading with fastexcel.

Reads every form's 党组织情况 sheet with fastexcel (no header row, skipping the title and the
two header rows of the clean synthetic layout: see columns.py), stacks the frames with the
source file name, and writes them with DataFrame.write_excel (XlsxWriter). No validation, no
scoring: a floor for the plain concatenation, which only works on forms all in the issued
layout (a moved column or an extra title row would land in the wrong column).

    pip install polars fastexcel xlsxwriter
    polars_peer.py INBOX OUT.xlsx

Types are inferred per file; the concatenation is relaxed (a column read as numbers in one
file and as text in another, where a clerk typed 若干, becomes text).
"""
import argparse, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from columns import HEADER, SHEET, SKIP_ROWS, forms  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inbox")
    ap.add_argument("out")
    a = ap.parse_args()
    t0 = time.perf_counter()
    import logging

    import fastexcel
    import polars as pl

    # fastexcel logs a warning for every all-empty column it reads as text (备注).
    logging.disable(logging.WARNING)

    files = forms(a.inbox)
    frames = []
    for path in files:
        sheet = fastexcel.read_excel(path).load_sheet_by_name(SHEET, header_row=None, skip_rows=SKIP_ROWS)
        frame = sheet.to_polars()
        frame.columns = HEADER[: frame.width]
        source = pl.lit(os.path.basename(path)).alias("来源文件")
        frames.append(frame.select(source, pl.all()))
    ledger = pl.concat(frames, how="diagonal_relaxed")
    ledger.write_excel(a.out, worksheet="台账明细")
    print(f"files={len(files)} organizations={ledger.height} seconds={time.perf_counter() - t0:.3f}")


if __name__ == "__main__":
    main()
