"""Review the corrections people sent: ``python -m feedback FOLDER list | delete ID... | delete-all``."""

from __future__ import annotations

import argparse
import sys

from feedback.store import FeedbackStore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m feedback", description=__doc__)
    parser.add_argument("folder", help="the feedback folder (ASL_FEEDBACK_DIR)")
    parser.add_argument("action", choices=("list", "delete", "delete-all"))
    parser.add_argument("ids", nargs="*", help="corrections to delete")
    args = parser.parse_args(argv)
    store = FeedbackStore(args.folder)
    if args.action == "list":
        for c in store.corrections():
            answered = "—" if c.answered is None else f"{c.answered} ({(c.confidence or 0) * 100:.0f}%)"
            print(f"{c.id}  {c.created}  said {c.digit}, answered {answered}  {c.photo}")
        return 0
    targets = [c.id for c in store.corrections()] if args.action == "delete-all" else args.ids
    missing = [identifier for identifier in targets if not store.delete(identifier)]
    for identifier in missing:
        print(f"no correction {identifier}", file=sys.stderr)
    print(f"deleted {len(targets) - len(missing)}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
