#!/usr/bin/env bash
# Started by bench/ChatLoad.java (TOLLGATE_BENCH_DURING_LEVEL) as a level's Tollgate run begins:
# when LEVEL is the level asked for, samples Liberty's threads with perf for a while, then asks
# the JVM for its compiled methods' symbols (Compiler.perfmap), so that Java frames have names.
# bench/run reads the samples once the run is over, so that perf's own work is not measured.
#
#   bench/lib/profile.sh PID SECONDS LEVEL_WANTED OUT_DIR
set -euo pipefail
pid=$1 seconds=$2 wanted=$3 out=$4
[ "${LEVEL:-}" = "$wanted" ] || exit 0
mkdir -p "$out"
# The level's clients start over one answer's time; sample the streams once they all run.
sleep "${TOLLGATE_BENCH_PROFILE_DELAY_S:-3}"
perf record -q -F 997 -g -p "$pid" -o "$out/perf-$LEVEL.data" -- sleep "$seconds" 2>"$out/perf-$LEVEL.log"
jcmd "$pid" Compiler.perfmap >/dev/null
echo "[profile] level $LEVEL sampled: $out/perf-$LEVEL.data" >&2
