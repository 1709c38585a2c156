#!/usr/bin/env python3
"""Fails when Cargo.toml's rust-version is lower than what a locked
dependency needs, or when README.md states another minimum.

Reads `cargo metadata --format-version 1 --locked` (every locked package and
its `rust_version`), so the stated minimum is the one a user really needs.
"""
import json
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent


def version(text):
    return tuple(int(x) for x in text.split("."))


meta = json.loads(
    subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked"],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout
)
ours = next(p for p in meta["packages"] if p["name"] == "rolex" and p["source"] is None)
stated = ours.get("rust_version")
if not stated:
    sys.exit("check-msrv: Cargo.toml has no rust-version")
needs = [(p["rust_version"], p["name"]) for p in meta["packages"] if p.get("rust_version")]
highest = max(needs, key=lambda t: version(t[0]))
if version(stated) < version(highest[0]):
    sys.exit(
        f"check-msrv: Cargo.toml says rust-version = {stated}, but {highest[1]} needs {highest[0]};\n"
        f"  raise rust-version in Cargo.toml (and README.md) to {highest[0]}"
    )
readme = (root / "README.md").read_text()
said = set(re.findall(r"Rust (\d+\.\d+(?:\.\d+)?) or newer", readme))
if said != {stated}:
    sys.exit(f"check-msrv: README.md says Rust {sorted(said)} or newer; Cargo.toml says {stated}")
print(f"check-msrv: rust-version {stated} (highest locked need: {highest[1]} {highest[0]})")
