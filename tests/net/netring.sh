#!/usr/bin/env bash
# tests/guests/hostile_netring: a guest driving the net ring itself, the way a hostile guest
# would (abi.h, struct uk_netring). Every bad set-up or descriptor gets a status, never a
# monitor crash or an access outside the guest's memory; a broken index breaks only the
# ring; a never-ending stream still ends at --timeout (251) and at SIGTERM (250); an idle
# guest costs (almost) no CPU: the I/O thread sleeps. Under seccomp there is no ring:
# set-up says EINVAL.
#   tests/net/netring.sh BUILD BACKEND
. "$(dirname "$0")/lib.sh" "$@"
need_netns
exe=$BUILD/tests/bin/hostile_netring
add_tap tapr0 10.77.9.1/24 1500

for mode in probe outside scribble overflow; do
    code=0
    in_ns "$exe" --backend="$BACKEND" --net:service=tapr0 -- "$mode" >"$LOGDIR/$mode" 2>&1 || code=$?
    cat "$LOGDIR/$mode"
    grep -q "^not ok" "$LOGDIR/$mode" && fail "$mode: some checks failed"
    [ "$code" = 0 ] || fail "$mode: exit $code, expected 0"
    [ "$BACKEND" = seccomp ] && break  # no ring: the probe said so
done
[ "$BACKEND" = seccomp ] && { echo PASS; exit 0; }

# --print-filter shows the net ring thread's own filter, rule by rule: the TAP's write and
# readv, its doorbell, futex, the clock and the doze's wait on one fd; nothing else.
in_ns "$exe" --backend="$BACKEND" --net:service=tapr0 --print-filter >"$LOGDIR/filter" 2>&1 ||
    { cat "$LOGDIR/filter"; fail "--print-filter failed"; }
thread=$(sed -n '/^# the net ring thread/,/^$/p' "$LOGDIR/filter" | grep -v '^#' | awk 'NF {print $1, $2, $3, $4, $5}')
want="write arg0 == TAP fd
readv arg0 == TAP fd
read arg0 == doorbell eventfd
futex arg1 == FUTEX_WAKE_PRIVATE net
futex arg1 == FUTEX_WAIT_PRIVATE net
clock_gettime arg0 == CLOCK_MONOTONIC net
ppoll arg1 == 1 &&"
[ "$thread" = "$want" ] || { cat "$LOGDIR/filter"; fail "the net ring thread's printed filter is not as expected"; }
grep -q "^write .*doorbell eventfd && arg2 == 8 *net " "$LOGDIR/filter" ||
    fail "the run loop's filter does not show its kick of the net ring thread"
echo "ok - --print-filter shows the net ring thread's own filter"

# A never-ending stream: ended at the deadline, and by a stop signal, within seconds.
start=$(date +%s%N)
code=0
in_ns "$exe" --backend="$BACKEND" --timeout=1 --net:service=tapr0 -- stream >"$LOGDIR/stream" 2>&1 || code=$?
took=$((($(date +%s%N) - start) / 1000000))
[ "$code" = 251 ] || { cat "$LOGDIR/stream"; fail "stream with --timeout=1: exit $code, expected 251"; }
[ "$took" -lt 5000 ] || fail "stream with --timeout=1 took $took ms"
echo "ok - a never-ending stream ends at --timeout (251) after $took ms"
code=0
in_ns timeout --preserve-status -s TERM 1 "$exe" --backend="$BACKEND" --net:service=tapr0 -- stream \
    >"$LOGDIR/stream-term" 2>&1 || code=$?
[ "$code" = 250 ] || { cat "$LOGDIR/stream-term"; fail "stream ended by SIGTERM: exit $code, expected 250"; }
echo "ok - a never-ending stream ends at SIGTERM (250)"

# While it streams, every thread of the monitor is under a seccomp filter (mode 2) and only
# the run loop's takes SIGTERM (bit 15 of SigBlk clear). kvm's own kernel threads are not ours.
# Sanitizer builds install no kvm monitor filter.
if [ "${UKMON_SANITIZE:-0}" != 1 ]; then
    ip netns exec "$NS" "$exe" --backend="$BACKEND" --timeout=3 --net:service=tapr0 -- stream >/dev/null 2>&1 &
    pid=$!
    GUEST_PIDS+=("$pid")
    sleep 1
    modes=$(for t in /proc/$pid/task/*; do case $(cat "$t/comm") in kvm-*) continue ;; esac
        awk '/^Seccomp:/{s=$2} /^SigBlk:/{b=$2} END{print s, b}' "$t/status"; done)
    wait "$pid"
    echo "$modes"
    [ "$(wc -l <<<"$modes")" = 2 ] || fail "expected 2 threads (run loop, net ring), got: $modes"
    [ "$(awk '$1 != 2' <<<"$modes")" = "" ] || fail "a thread without a seccomp filter: $modes"
    taking=$(while read -r _ mask; do echo $(((0x$mask >> 14) & 1)); done <<<"$modes" | grep -c '^0$')
    [ "$taking" = 1 ] || fail "$taking threads take SIGTERM, expected only the run loop's"
    echo "ok - both threads are under a seccomp filter and only the run loop's takes signals"
fi

# Idle: one frame, then a second asleep in poll. A spinning I/O thread would burn about a
# CPU second; a sleeping one nearly nothing. The bound is loose: only a spin can break it.
if [ -x /usr/bin/time ]; then
    in_ns /usr/bin/time -f "cpu %U %S" "$exe" --backend="$BACKEND" --net:service=tapr0 -- idle >"$LOGDIR/idle" 2>&1 ||
        { cat "$LOGDIR/idle"; fail "idle: the guest failed"; }
    cat "$LOGDIR/idle"
    cpu=$(awk '/^cpu / {print $2 + $3}' "$LOGDIR/idle")
    awk -v c="$cpu" 'BEGIN {exit !(c < 0.4)}' || fail "idle: $cpu s of CPU in a second of sleep: the I/O thread spins"
    echo "ok - an idle guest cost $cpu s of CPU in 1 s"
else
    echo "SKIP: idle CPU check: /usr/bin/time is missing"
fi
echo PASS
