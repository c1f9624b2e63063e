#!/usr/bin/env python3
"""Lists the files of a source folder that include a header which includes them back.

A file's "own header" is itself (a header) or the header of the same name (x.cpp -> x.h). A file
F includes a header H that "includes it back" when H, directly or through other project headers,
includes F's own header: the two are not layered. Exits 1 when any is found.

  python3 tools/lint/include_cycles.py src/model      (run from the repository root)
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def includes(path, root):
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        return []
    found = []
    for name in INCLUDE.findall(text):
        candidate = os.path.join(root, name)
        if os.path.isfile(candidate):
            found.append(os.path.normpath(candidate))
    return found


def reaches(start, target, root, seen):
    if start == target:
        return True
    if start in seen:
        return False
    seen.add(start)
    return any(reaches(h, target, root, seen) for h in includes(start, root))


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "src/model"
    root = "src"
    problems = []
    for dirpath, _, files in os.walk(folder):
        for name in sorted(files):
            if not name.endswith((".h", ".cpp")):
                continue
            path = os.path.normpath(os.path.join(dirpath, name))
            own = path if name.endswith(".h") else path[: -len(".cpp")] + ".h"
            if not os.path.isfile(own):
                continue
            for header in includes(path, root):
                if header != own and reaches(header, own, root, set()):
                    problems.append(f"{path}: includes {header}, which includes {own} back")
    for line in problems:
        print(line)
    print(f"{len(problems)} file(s) include a header that includes them back")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
