#!/usr/bin/env bash
# A CUPS scheduler on this machine for the printing tests: installs the server (with its socket
# backend) and the lp/lpadmin/lpstat clients if missing, starts cupsd unless it is running, and
# waits until `lpstat -r` says "scheduler is running":   bash .ci/cups.sh
# Works as root in a container without systemd: cupsd is started directly and runs as a daemon.
# Idempotent: a running scheduler is left alone. Progress goes to stderr.
set -euo pipefail

WAIT_S="${STATION_CUPS_WAIT_S:-30}"
SOCKET_BACKEND=/usr/lib/cups/backend/socket
export PATH="$PATH:/usr/sbin:/sbin"

say() { echo "cups.sh: $*" >&2; }
die() { say "$*"; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
    as_root() { "$@"; }
elif command -v sudo >/dev/null 2>&1; then
    as_root() { sudo -n "$@"; }
else
    die "needs root or sudo to install and start CUPS"
fi

installed() {
    local tool
    for tool in cupsd lp lpadmin lpstat; do
        command -v "$tool" >/dev/null 2>&1 || return 1
    done
    [ -x "$SOCKET_BACKEND" ]
}

running() { [ "$(LC_ALL=C lpstat -r 2>/dev/null)" = "scheduler is running" ]; }

# 1. Install (Debian/Ubuntu): "cups" brings cupsd and the socket:// backend, "cups-client" lp & co.
if ! installed; then
    say "installing CUPS with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq >&2
    as_root apt-get install -y -qq --no-install-recommends cups cups-client >&2
    installed || die "cupsd, lp, lpadmin, lpstat or $SOCKET_BACKEND still missing after installing"
fi

# 2. Start the scheduler. Without systemd nothing starts it on demand: cupsd forks into the
#    background by itself (not -l, so its IdleExitTimeout does not apply and it stays up).
if running; then
    say "scheduler already running"
    exit 0
fi
say "starting cupsd"
as_root cupsd >&2 || die "cupsd did not start (see /var/log/cups/error_log)"

# 3. Wait until it answers.
deadline=$((SECONDS + WAIT_S))
until running; do
    [ "$SECONDS" -lt "$deadline" ] || die "cupsd started but lpstat -r does not report it running after ${WAIT_S} s"
    sleep 0.2
done
say "scheduler running"
