"""What the CLI tests that run every lesson share: the lessons' ids, and running the CLI as an
unprivileged user when the tests run as root (the lab never needs root)."""
import glob
import os
import re

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def as_user(argv):
    return NOBODY + argv if os.geteuid() == 0 else argv


def lesson_ids(folder):
    """The id of every lesson of @folder, in file name order (TEMPLATE.lesson excepted)."""
    ids = []
    for path in sorted(glob.glob(os.path.join(folder, "*.lesson"))):
        if os.path.basename(path) == "TEMPLATE.lesson":
            continue
        with open(path, encoding="utf-8") as f:
            ids.append(re.search(r"^\s*id:\s*(\S+)", f.read(), re.M).group(1))
    return ids
