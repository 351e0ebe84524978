#!/usr/bin/env bash
# Checks that kernel/vendor/evcxr is evcxr 0.22.0 exactly as published on crates.io, plus
# kernel/vendor/evcxr/THREADLAB.patch, and nothing else (see evcxr/THREADLAB-PATCH.md).
#
# The published crate comes from cargo's cache (`~/.cargo/registry/cache/*/evcxr-0.22.0.crate`),
# fetched with `cargo fetch` in a scratch package when missing; its SHA-256 must be the one the
# crates.io index lists. It is unpacked, the files the vendored copy leaves out are removed, the
# patch is applied, and the result must equal the vendored folder byte for byte.
#
# Usage: kernel/vendor/check-evcxr.sh                 exit 0 if equal, 1 (with the diff) if not
#        kernel/vendor/check-evcxr.sh --write-patch   regenerate THREADLAB.patch from the folder
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vendored="$here/evcxr"
patch_file="$vendored/THREADLAB.patch"
version="0.22.0"
# crates.io's checksum of evcxr-0.22.0.crate (the `cksum` of its index entry).
sha256="ee69caeeefc311959b85962458e370d8eccb165123edbc5270134aaee6d7ed80"
# What the vendored copy leaves out of the published crate.
left_out=(tests examples Cargo.lock Cargo.toml.orig .cargo_vcs_info.json .cargo-ok)
# Files of the vendored copy that are not evcxr's.
ours=(THREADLAB.patch THREADLAB-PATCH.md)

cargo_home="${CARGO_HOME:-$HOME/.cargo}"
find_crate() { compgen -G "$cargo_home/registry/cache/*/evcxr-$version.crate" | head -n 1 || true; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

crate="$(find_crate)"
if [ -z "$crate" ]; then
  echo "==> fetching evcxr $version from crates.io" >&2
  mkdir -p "$scratch/fetch/src"
  printf '[package]\nname = "fetch-evcxr"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\nevcxr = "=%s"\n' \
    "$version" >"$scratch/fetch/Cargo.toml"
  : >"$scratch/fetch/src/lib.rs"
  (cd "$scratch/fetch" && env -u CARGO_TARGET_DIR cargo fetch --quiet)
  crate="$(find_crate)"
  [ -n "$crate" ] || { echo "evcxr-$version.crate not found after cargo fetch" >&2; exit 2; }
fi
echo "$sha256  $crate" | sha256sum --check --status || {
  echo "$crate does not have crates.io's checksum $sha256" >&2
  exit 2
}

pristine="$scratch/pristine"
mkdir -p "$pristine"
tar -xzf "$crate" -C "$pristine"
pristine="$pristine/evcxr-$version"
for path in "${left_out[@]}"; do rm -rf "${pristine:?}/$path"; done

excludes=()
for path in "${ours[@]}"; do excludes+=(--exclude="$path"); done

if [ "${1:-}" = "--write-patch" ]; then
  # Relative paths a/ and b/ so that `patch -p1` applies it inside the crate's folder.
  mkdir -p "$scratch/a" "$scratch/b"
  cp -a "$pristine/." "$scratch/a/"
  cp -a "$vendored/." "$scratch/b/"
  for path in "${ours[@]}"; do rm -f "$scratch/b/$path"; done
  # Without timestamps, so that regenerating an unchanged patch changes nothing.
  (cd "$scratch" && diff -ruN a b >"$scratch/patch") || [ $? -eq 1 ]
  sed -E 's/^((\+\+\+|---) [^\t]*)\t.*$/\1/' "$scratch/patch" >"$patch_file"
  echo "wrote $patch_file ($(grep -c '^+++ ' "$patch_file") files)"
  exit 0
fi

[ -f "$patch_file" ] || { echo "no $patch_file" >&2; exit 1; }
patch --quiet --batch --forward --no-backup-if-mismatch -p1 -d "$pristine" <"$patch_file" || {
  echo "THREADLAB.patch does not apply to the published evcxr $version" >&2
  exit 1
}
if diff -ruN "${excludes[@]}" "$pristine" "$vendored"; then
  echo "kernel/vendor/evcxr = evcxr $version (crates.io) + THREADLAB.patch"
else
  echo "kernel/vendor/evcxr differs from evcxr $version + THREADLAB.patch (diff above)" >&2
  exit 1
fi
