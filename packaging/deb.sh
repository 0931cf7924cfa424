#!/usr/bin/env bash
# Builds the Debian package build/package/emergence_<version>_<arch>.deb: packaging/build.sh, the
# desktop and AppStream validators, then CPack's DEB generator (packaging/CMakeLists.txt). Install
# it with: apt install ./build/package/emergence_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."

# dpkg-dev: dpkg-shlibdeps, the packages behind the libraries the binaries link;
# desktop-file-utils: desktop-file-validate; appstream: appstreamcli validate.
EMERGENCE_EXTRA_PACKAGES="dpkg-dev desktop-file-utils appstream" packaging/build.sh
desktop-file-validate packaging/io.github.emergence.Emergence.desktop
# --no-net: the screenshot and homepage URLs are checked only where github.com is reachable.
appstreamcli validate --no-net packaging/io.github.emergence.Emergence.metainfo.xml
cpack --config build/CPackConfig.cmake -G DEB -B build/package
