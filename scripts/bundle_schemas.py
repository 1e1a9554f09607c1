"""Copy the third-party schemas the package ships (tei_all, CMIF) into schemas/, checking their sha256.

Sources and licences are in schemas/SOURCES.md. Run from the repository root with ../shared beside it:

    python scripts/bundle_schemas.py [--shared ../shared]
"""
from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = {
    "tei_all.rng": "d680825ad4690b8ff26cb0f5d0f2b4d3f723206d278fc441e87d4e799ef44141",
    "cmif.rng": "f2847266dcad9884c80b9f52fb430033566ea7306a0a453c246d6932094abf5f",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    for name, sha256 in BUNDLED.items():
        source = args.shared / "schemas" / name
        found = hashlib.sha256(source.read_bytes()).hexdigest()
        if found != sha256:
            sys.exit(f"{source}: sha256 {found}, expected {sha256}")
        shutil.copyfile(source, ROOT / "schemas" / name)
        print(f"schemas/{name} <- {source}")


if __name__ == "__main__":
    main()
