"""Review the corrections people sent: ``python -m feedback FOLDER-OR-URL list | delete ID... | delete-all``.

FOLDER-OR-URL is the feedback folder (``ASL_FEEDBACK_DIR``) or the database
(``ASL_FEEDBACK_DATABASE_URL``, ``postgresql://...``). Exit status: 0 done, 1 some correction to
delete was not there, 2 no such folder or no database reached.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from feedback import open_store
from feedback.database import is_database_url
from feedback.store import StoreUnavailable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m feedback", description=__doc__)
    parser.add_argument("folder", help="the feedback folder (ASL_FEEDBACK_DIR) or database URL")
    parser.add_argument("action", choices=("list", "delete", "delete-all"))
    parser.add_argument("ids", nargs="*", help="corrections to delete")
    args = parser.parse_args(argv)
    if not is_database_url(args.folder) and not Path(args.folder).is_dir():
        print(f"no feedback folder at {args.folder}", file=sys.stderr)
        return 2
    store = open_store(args.folder)
    try:
        return act(store, args.action, args.ids)
    except StoreUnavailable as error:
        print(error, file=sys.stderr)
        return 2


def act(store, action: str, ids: list[str]) -> int:
    """List or delete corrections of ``store``; return the exit status."""
    if action == "list":
        return list_corrections(store)
    targets = [c.id for c in store.corrections()] if action == "delete-all" else ids
    missing = [identifier for identifier in targets if not store.delete(identifier)]
    for identifier in missing:
        print(f"no correction {identifier}", file=sys.stderr)
    leftovers = store.delete_leftovers() if action == "delete-all" else 0
    print(f"deleted {len(targets) - len(missing)}" + (f" and {leftovers} unfinished writes" if leftovers else ""))
    return 1 if missing else 0


def list_corrections(store) -> int:
    """Print one line per correction with what is known of it; say when there are none."""
    corrections = store.corrections()
    for c in corrections:
        if c.answered is None:
            answered = "answer not recorded"
        else:
            answered = f"answered {c.answered}" + ("" if c.confidence is None else f" ({c.confidence * 100:.0f}%)")
        where = c.photo or c.where or "ORPHAN: note without its photo (delete-all removes it)"
        print(f"{c.id}  {c.created or 'time not recorded'}  said {c.digit}, {answered}  {where}")
    print(f"{len(corrections)} correction{'s' if len(corrections) != 1 else ''} in {store.root}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
