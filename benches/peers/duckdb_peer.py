#!/usr/bin/env python3
"""A peer for benches/ledger.rs: what an analyst does with DuckDB and its excel extension.

Reads every form's 党组织情况 sheet with read_xlsx (data from A4, the clean synthetic layout:
see columns.py), stacks them in one table with the source file name, and writes it with
COPY ... TO 'OUT.xlsx'. No validation, no scoring: a floor for the plain concatenation, which
only works on forms all in the issued layout (a moved column or an extra title row would land
in the wrong column or stop the read).

    pip install duckdb==1.4.4 duckdb-ext-excel==1.4.4.20260205
    duckdb_peer.py INBOX OUT.xlsx [--threads N]

read_xlsx reads one file per call (a glob reads only the first match), hence the loop.
Every column is read as text (all_varchar): type inference samples a few rows and fails on
a text cell in a column it guessed numeric (主要问题 empty in the first rows).
"""
import argparse, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from columns import HEADER, SHEET, SKIP_ROWS, forms  # noqa: E402


def extension_directory():
    """The folder of the duckdb-ext-excel wheel that holds v1.4.4/<platform>/excel.duckdb_extension."""
    import duckdb_ext

    return os.path.join(list(duckdb_ext.__path__)[0], "extensions")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inbox")
    ap.add_argument("out")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    t0 = time.perf_counter()
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET extension_directory='{extension_directory()}'")
    con.execute("LOAD excel")
    con.execute(f"SET threads={a.threads}")
    columns = ", ".join(f'"{h}" VARCHAR' for h in ["来源文件"] + HEADER)
    con.execute(f"CREATE TABLE ledger ({columns})")
    data = f"A{SKIP_ROWS + 1}:{chr(ord('A') + len(HEADER) - 1)}1048576"
    files = forms(a.inbox)
    for path in files:
        con.execute(
            "INSERT INTO ledger SELECT ?, * FROM read_xlsx(?, sheet = ?, range = ?, header = false,"
            " all_varchar = true, stop_at_empty = true)",
            [os.path.basename(path), path, SHEET, data],
        )
    rows = con.execute("SELECT count(*) FROM ledger").fetchone()[0]
    out = a.out.replace("'", "''")
    con.execute(f"COPY ledger TO '{out}' (FORMAT xlsx, HEADER true, SHEET '台账明细')")
    print(f"files={len(files)} organizations={rows} seconds={time.perf_counter() - t0:.3f}")


if __name__ == "__main__":
    main()
