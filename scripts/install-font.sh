#!/bin/sh
# Installs the CJK font `gkreport query --plot` draws Chinese labels with (Debian's fonts-wqy-microhei),
# unless it is already there. Needs root and apt-get; elsewhere set GKREPORT_FONT=/path/to/a/cjk-font.ttf.
set -e
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] && exit 0
if command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null
else
  echo "install-font: no apt-get here; install a CJK font and set GKREPORT_FONT" >&2
fi
