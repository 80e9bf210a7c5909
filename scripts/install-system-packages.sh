#!/usr/bin/env bash
# Installs the Debian packages the app (and, with "test", the test suite; with "build",
# the PyInstaller build) needs,
# only those missing. Uses sudo when not root.
set -euo pipefail

APP_PKGS=(
  python3-venv libegl1 libgl1 libx11-xcb1 libdbus-1-3 libfontconfig1 libfreetype6
  libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
  libxcb-xkb1
)
TEST_PKGS=(postgresql poppler-utils xvfb xauth)
BUILD_PKGS=(binutils)  # PyInstaller reads the libraries' dependencies with objdump

pkgs=("${APP_PKGS[@]}")
[[ "${1:-}" == "test" ]] && pkgs+=("${TEST_PKGS[@]}")
[[ "${1:-}" == "build" ]] && pkgs+=("${BUILD_PKGS[@]}")

if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "未找到 apt-get：请手动安装以下系统软件包：${pkgs[*]}" >&2
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# python3-venv only matters when the interpreter lacks a working venv/ensurepip.
if python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
  missing=("${missing[@]/python3-venv}")
fi
read -r -a missing <<<"${missing[*]}"
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
echo "安装系统软件包：${missing[*]}"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
