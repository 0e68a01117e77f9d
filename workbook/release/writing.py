"""Write a release without losing anyone's edit: a manifest of hashes guards every generated file.

A generated file whose content no longer matches its recorded hash was edited
by someone; ``write_release`` refuses to overwrite it and names it, unless
``force``, which first copies it under ``build/release-backup/``.
"""

import datetime
import hashlib
import json
import shutil
import sys
from pathlib import Path

from workbook.release.building import ASSIGNMENT
from workbook.release.stubbing import ReleaseError

MANIFEST = ".release-manifest.json"


def say(message, quiet):
    """One progress line of the release on stderr, unless ``quiet``."""
    if not quiet:
        print(f"release: {message}", file=sys.stderr, flush=True)


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(files):
    """The manifest for ``files``: the hash of each, as sorted JSON."""
    record = {"assignment": ASSIGNMENT, "files": {path: _sha(data) for path, data in sorted(files.items())}}
    return (json.dumps(record, indent=1, sort_keys=True) + "\n").encode("utf-8")


def recorded(root):
    """The manifest's ``{relative path: sha256}`` of the last release; empty when there is none."""
    path = Path(root) / MANIFEST
    try:
        return json.loads(path.read_text()).get("files", {})
    except (OSError, ValueError):
        return {}


def edited_files(root, files):
    """Generated files on disk that someone changed since the last release.

    A file counts as edited when it differs from what the release would write
    and its hash is not the one the manifest recorded (or it was never recorded).
    Files the manifest lists that the release no longer makes count too, when
    changed.
    """
    known = recorded(root)
    edited = []
    for relative in sorted(set(files) | set(known)):
        target = Path(root) / relative
        if relative == MANIFEST or not target.is_file():
            continue
        current = target.read_bytes()
        if current != files.get(relative) and known.get(relative) != _sha(current):
            edited.append(relative)
    return edited


def _back_up(root, paths):
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = Path(root) / "build" / "release-backup" / stamp
    for relative in paths:
        target = backup / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(root) / relative, target)
    return backup


def _refusal(paths):
    listed = "\n".join(f"  {path}" for path in paths)
    return (
        f"refusing to overwrite {len(paths)} generated file(s) that were edited since the last release:\n{listed}\n"
        "Your work is untouched. Either move these files somewhere safe and run the release again,\n"
        "or run `python -m workbook release --force` (`make release ARGS=--force`), which saves a copy\n"
        "of each under build/release-backup/ before overwriting it."
    )


def write_release(root, files, force=False, quiet=False):
    """Write ``files`` under ``root``, refusing to clobber edited files unless ``force``."""
    edited = edited_files(root, files)
    if edited and not force:
        raise ReleaseError(_refusal(edited))
    if edited:
        say(f"--force: saved the edited files under {_back_up(root, edited)}", quiet)
    stale = [path for path in recorded(root) if path not in files and (Path(root) / path).is_file()]
    for relative in stale:
        (Path(root) / relative).unlink()
    changed = 0
    for relative, data in sorted(files.items()):
        target = Path(root) / relative
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        changed += 1
    say(f"wrote {changed} file(s), removed {len(stale)}, {len(files) - changed} already up to date", quiet)
