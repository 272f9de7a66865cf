# Sourced by bin/test. The console's browser tests drive Debian's Chromium through its
# chromedriver: installed here when missing and this runs as root (CI does), checked otherwise.
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    printf '[test] Installing Debian chromium and chromium-driver for the browser tests.\n' >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null; }
  else
    printf '[test] chromium and chromium-driver are missing and this is not root: the browser tests will fail.\n' >&2
    printf '[test] Install them once: sudo apt-get install chromium chromium-driver\n' >&2
  fi
}
