"""The sync service (`sheetnilai sinkron`): passes over a folder that keep the agency's score
book current, each reading only the workbooks that changed since the last one.

- `lock`: one instance per store;
- `cache`: the per-file cache the consolidation consults (`consolidate.FileCache`);
- `run`: one pass: detect, consolidate, compare with the last pass, publish, record;
- `publish`: the dated and the "terbaru" score book, and each unit's feedback workbook;
- `loop`: `--terus`, pass after pass until SIGTERM or Ctrl-C.
"""
