"""Copy the JavaScript the built site serves into book/_vendor (never committed).

Sources, all from the npm registry and pinned in package.json / package-lock.json:
- node_modules/ (installed by `npm ci`): plotly.js (cartesian bundle), require.js;
- prebuilt packages listed under "m4mlPacks" in package.json (thebe), fetched with `npm pack`
  into node_modules/.m4ml-packs and checked against their sha512 integrity hash, because their
  own npm dependencies are already bundled into lib/ and must not be installed.

Thebe 0.9.3 fetches require.js from a CDN when a widget renders; the copy here reads the URL
from `window.thebeRequireJsUrl` instead, which the live-code extension sets to the local copy.
Run by `make book`; safe to run again (it rewrites book/_vendor only when a source changed).
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from m4ml_book import names, patches

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
PACKS = NODE_MODULES / ".m4ml-packs"
VENDOR = ROOT / "book" / "_vendor"


def fail(message: str) -> None:
    sys.exit(f"scripts/vendor.py: {message}")


def npm() -> str:
    exe = Path(sys.executable).with_name("npm")
    return str(exe) if exe.exists() else (shutil.which("npm") or fail("npm not found; run `make env`"))


def integrity_of(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def fetch_pack(name: str, version: str, integrity: str) -> Path:
    PACKS.mkdir(parents=True, exist_ok=True)
    tgz = PACKS / f"{name}-{version}.tgz"
    if not tgz.exists() or integrity_of(tgz) != integrity:
        subprocess.run([npm(), "pack", f"{name}@{version}", "--silent", "--pack-destination", str(PACKS)],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    if integrity_of(tgz) != integrity:
        tgz.unlink()
        fail(f"{name}@{version} from the registry does not match the integrity hash in package.json")
    return tgz


def copy_file(src: Path, dest: Path) -> None:
    if not src.exists():
        fail(f"{src.relative_to(ROOT)} is missing; run `make env` (npm ci)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.exists() or dest.read_bytes() != src.read_bytes():
        shutil.copyfile(src, dest)


def vendor_thebe(tgz: Path) -> None:
    out = VENDOR / "thebe"
    stamp = out / ".source"
    if stamp.exists() and stamp.read_text() == tgz.name:
        return
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    with tarfile.open(tgz) as tar:
        for member in tar.getmembers():
            path = Path(member.name)
            if member.isfile() and path.parts[:2] == ("package", "lib") and path.suffix in {".js", ".css"}:
                data = tar.extractfile(member).read()
                (out / path.name).write_bytes(data)
    index = out / "index.js"
    try:
        index.write_text(patches.patch_thebe_index(index.read_text(), names.THEBE_REQUIREJS_GLOBAL))
    except ValueError as exc:
        fail(f"{exc}; update m4ml_book/patches.py")
    stamp.write_text(tgz.name)


def main() -> None:
    package = json.loads((ROOT / "package.json").read_text())
    for name, spec in package.get("m4mlPacks", {}).items():
        tgz = fetch_pack(name, spec["version"], spec["integrity"])
        if name == "thebe":
            vendor_thebe(tgz)
    copy_file(NODE_MODULES / "requirejs" / "require.js", VENDOR / "thebe" / "require.js")
    copy_file(NODE_MODULES / "plotly.js-cartesian-dist-min" / "plotly-cartesian.min.js",
              VENDOR / "plotly" / "plotly-cartesian.min.js")


if __name__ == "__main__":
    main()
