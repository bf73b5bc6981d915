"""The only writer of the output: stage the new site beside the output folder, then swap it in.

While the site renders, every file goes through a `Stage`: it is hashed, and only a
file whose bytes differ from the output's current copy (as the last build's manifest
recorded it and the disk still shows it) is written, into a staging folder beside
the output (`.public.staging`). Nothing inside the output folder is touched until
every page has rendered, so a build that fails leaves the previous output exactly
as it was.

`publish` then makes the staging folder the whole new site, hard-linking each file
that did not change from the output into it (a link, not a copy: the file keeps its
inode and mtime, so rsync, CDNs and the next no-change check see it as it was), and
puts it in place in one step: the two folders are exchanged by one `renameat2`
(`RENAME_EXCHANGE`) where the system has it, else by two renames, which a build
that is stopped between them finishes on its next start (see `prepare`). A reader,
a deploy or a build killed at any moment sees the old site or the new one, never a
mix.

Two kinds of output folder cannot be swapped:

* a **symbolic link** is followed: the site is written into its target (see `target`),
  and the link is left as it was;
* a **mount point** cannot be renamed: the staging folder goes inside it
  (`.xpromo-staging`) and each changed file replaces its copy with one rename. Readers
  see every file whole, old or new; for the moment the renames take, the site can show
  new pages beside old ones.

The output folder is xpromo's: a build replaces everything in it. So it must be
missing, empty, or marked as one that xpromo wrote (`MARKER`, a file every build
writes); `refusal` says why any other folder is not (`-o .git`, `-o docs` holding a
hand-written site). Builds into one output folder take turns (`lock`).

The jobs: `folder.py` (which folder may be the output, what it holds, the lock),
`stage.py` (the Stage and what it keeps of each file), `swap.py` (prepare, publish,
discard).
"""

from __future__ import annotations

from .folder import MARKER, MARKER_TEXT, lock, refusal, survey
from .stage import Entry, Record, Stage
from .swap import discard, prepare, publish

__all__ = [
    "MARKER",
    "MARKER_TEXT",
    "Entry",
    "Record",
    "Stage",
    "discard",
    "lock",
    "prepare",
    "publish",
    "refusal",
    "survey",
]
