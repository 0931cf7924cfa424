#!/usr/bin/env bash
# Builds the Debian package build/package/emergence_<version>_<arch>.deb: packaging/build.sh, the
# desktop and AppStream validators, then CPack's DEB generator (packaging/CMakeLists.txt). Install
# it with: apt install ./build/package/emergence_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  dpkg-dev           # dpkg-shlibdeps: the packages behind the libraries the binaries link
  desktop-file-utils # desktop-file-validate
  appstream          # appstreamcli validate
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

packaging/build.sh
desktop-file-validate packaging/io.github.emergence.Emergence.desktop
# --no-net: the screenshot and homepage URLs are checked only where github.com is reachable.
appstreamcli validate --no-net packaging/io.github.emergence.Emergence.metainfo.xml
cpack --config build/CPackConfig.cmake -G DEB -B build/package
