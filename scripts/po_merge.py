"""Merge hand-written Korean translations into locale/ko/LC_MESSAGES/django.po.

    python scripts/po_merge.py NEW.po   # NEW.po: plain msgid/msgstr pairs, no header

Entries in NEW.po win over existing (also fuzzy) ones; fuzzy flags are cleared afterwards, then
`manage.py makemessages` restores the ordering and source references. Needs GNU gettext.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "locale" / "ko" / "LC_MESSAGES" / "django.po"


def main(extra: str) -> None:
    original = PO.read_text(encoding="utf-8")
    header_end = original.index("\n\n", original.index('msgid ""'))
    with tempfile.TemporaryDirectory() as tmp:
        first = Path(tmp, "first.po")
        first.write_text(original[:header_end] + "\n\n" + Path(extra).read_text(encoding="utf-8"), encoding="utf-8")
        merged = Path(tmp, "merged.po")
        subprocess.run(["msgcat", "--use-first", str(first), str(PO), "-o", str(merged)], check=True)
        subprocess.run(["msgattrib", "--clear-fuzzy", "--no-obsolete", str(merged), "-o", str(PO)], check=True)
    subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)], check=True)


if __name__ == "__main__":
    main(sys.argv[1])
