# shellcheck shell=sh
# Shared by the browser checks (check_html.sh for the HTML report,
# tests/docs/check_site.sh for the documentation site), sourced:
#
#   . tests/html/chromium.sh
#   chromium_find_or_install || exit 77    # sets $browser
#   chromium_run PROFILE_DIR ARGS...       # headless, offline, logging to stderr
#
# chromium_find_or_install looks for $CHROMIUM, chromium, chromium-browser,
# google-chrome; when none is there and we are root with apt-get, installs
# Debian's chromium.  Returns 1 (and says SKIP) when there is none.

chromium_find() {
    if [ -n "${CHROMIUM:-}" ] && command -v "$CHROMIUM" >/dev/null 2>&1; then
        command -v "$CHROMIUM"
        return 0
    fi
    for c in chromium chromium-browser google-chrome google-chrome-stable; do
        if command -v "$c" >/dev/null 2>&1; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

chromium_find_or_install() {
    browser=$(chromium_find)
    if [ -z "$browser" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "chromium: installing chromium with apt-get" >&2
        _log=$(mktemp)
        if ! DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >"$_log" 2>&1; then
            DEBIAN_FRONTEND=noninteractive apt-get update >>"$_log" 2>&1
            DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >>"$_log" 2>&1 ||
                tail -5 "$_log" >&2
        fi
        rm -f "$_log"
        browser=$(chromium_find)
    fi
    if [ -z "$browser" ]; then
        echo "SKIP: no Chromium (tried \$CHROMIUM, chromium, chromium-browser, google-chrome)" \
             "and it could not be installed"
        return 1
    fi
    return 0
}

# chromium_run PROFILE_DIR ARGS...: headless, no sandbox (CI runs as root),
# nothing fetched in the background.  --enable-logging=stderr --v=0 puts
# every console message on stderr as "...:CONSOLE(line)] "message", source:
# ..." (console.log, .warn and .error alike).  The timeout only guards
# against a hung browser; generous, so that a busy machine does not fail.
chromium_run() {
    _profile=$1
    shift
    timeout 900 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-extensions --user-data-dir="$_profile" --enable-logging=stderr --v=0 "$@"
}
