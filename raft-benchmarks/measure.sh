#!/usr/bin/env bash
# Takes every figure of docs/benchmarks.md in one go and draws the charts.
#   raft-benchmarks/measure.sh OUT_DIR [quick]
# Needs raft-examples/target/raft-kv.jar and raft-benchmarks/target/benchmarks.jar
# (mvn -B -q package -pl raft-examples,raft-benchmarks -am -DskipTests).
# BIG=1 also runs the restart with 10,000,000 entries, a 1 GB snapshot and a 1 GB catch-up (about 6 more minutes, 14 GB of heap).
# "quick" shortens every run (1 s warm-up/measure, one JMH fork, small scale sizes) to try the script.
# The load average is logged before every step (load.log) and carried by every bench JSON line.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: measure.sh OUT_DIR [quick]}
QUICK=${2:-}
mkdir -p "$OUT"
KV="java -Xms2g -Xmx2g -jar raft-examples/target/raft-kv.jar bench"
JMH="java -cp raft-benchmarks/target/benchmarks.jar"
if [ "$QUICK" = quick ]; then
  W=1; M=1; VW=1; VM=1; JMHOPTS="-f 1 -wi 1 -i 2 -w 1 -r 1"; ENTRIES=20000; MB=16; JFR_DELAY=3; JFR_DURATION=1
else
  W=5; M=10; VW=3; VM=5; JMHOPTS=""; ENTRIES=1000000; MB=256; JFR_DELAY=10; JFR_DURATION=8
fi
step() { echo "$(date -u +%FT%TZ) $1 | $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/load.log"; }

step "workload: 1,32,256 in flight, 128 B, 3 members"
$KV --in-flight 1,32,256 --warmup $W --measure $M > "$OUT/workload.jsonl" 2> "$OUT/workload.err"

step "JFR: 256 in flight"
# JFR's profile settings, with Java method samples every 1 ms instead of 10 ms (more samples from a
# short window) and every fsync recorded (jdk.FileForce threshold 0 instead of 10 ms).
JH=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
sed -e '/"jdk.ExecutionSample"/,/<\/event>/s/>10 ms</>1 ms</' -e '/"jdk.FileForce"/,/<\/event>/s/>10 ms</>0 ms</' \
  "$JH/lib/jfr/profile.jfc" > "$OUT/profile-1ms.jfc"
java -Xms2g -Xmx2g -XX:+FlightRecorder -XX:StartFlightRecording=delay=${JFR_DELAY}s,duration=${JFR_DURATION}s,filename="$OUT/256.jfr",settings="$OUT/profile-1ms.jfc" \
  -jar raft-examples/target/raft-kv.jar bench --in-flight 256 --warmup $W --measure $M > "$OUT/jfr-256.jsonl" 2> "$OUT/jfr-256.err"

step "JFR: 1 in flight"
java -Xms2g -Xmx2g -XX:+FlightRecorder -XX:StartFlightRecording=delay=${JFR_DELAY}s,duration=${JFR_DURATION}s,filename="$OUT/1.jfr",settings="$OUT/profile-1ms.jfc" \
  -jar raft-examples/target/raft-kv.jar bench --in-flight 1 --warmup $W --measure $M > "$OUT/jfr-1.jsonl" 2> "$OUT/jfr-1.err"

step "value sizes at 32 and 256 in flight"
$KV --in-flight 32,256 --value-size 16,128,1024,4096,65536 --warmup $VW --measure $VM > "$OUT/value-size.jsonl" 2> "$OUT/value-size.err"

step "members 5 and 7 at 32 in flight"
$KV --in-flight 32 --members 5 --warmup $VW --measure $VM > "$OUT/members.jsonl" 2> "$OUT/members.err"
$KV --in-flight 32 --members 7 --warmup $VW --measure $VM >> "$OUT/members.jsonl" 2>> "$OUT/members.err"

step "reads at 256 in flight"
$KV --in-flight 256 --reads linearizable --warmup $VW --measure $VM > "$OUT/reads.jsonl" 2> "$OUT/reads.err"
$KV --in-flight 256 --reads lease --warmup $VW --measure $VM >> "$OUT/reads.jsonl" 2>> "$OUT/reads.err"

step "scale: restart $ENTRIES entries, snapshot and catch-up $MB MB"
java -Xmx6g -jar raft-examples/target/raft-kv.jar bench --scale restart,snapshot,catchup \
  --scale-entries $ENTRIES --scale-mb $MB > "$OUT/scale.jsonl" 2> "$OUT/scale.err"

step "JMH: storage and transport ratios"
$JMH dev.floe.raft.benchmarks.Ratios $JMHOPTS -prof gc -rf json -rff "$OUT/jmh-ratios.json" > "$OUT/jmh-ratios.txt" 2>&1
grep '^{"bench"' "$OUT/jmh-ratios.txt" > "$OUT/ratios.jsonl" || true

step "JMH: latency floor (fsync of one entry, loopback round trip)"
java -jar raft-benchmarks/target/benchmarks.jar LogAppendBenchmark -bm sample -tu us -p batch=1 $JMHOPTS \
  -rf json -rff "$OUT/jmh-fsync.json" > "$OUT/jmh-fsync.txt" 2>&1
java -jar raft-benchmarks/target/benchmarks.jar RoundTripBenchmark $JMHOPTS -rf json -rff "$OUT/jmh-rtt.json" > "$OUT/jmh-rtt.txt" 2>&1


step "JFR summaries"
$JMH dev.floe.raft.benchmarks.jfr.JfrTop "$OUT/256.jfr" > "$OUT/jfr-256.txt"
$JMH dev.floe.raft.benchmarks.jfr.JfrTop "$OUT/1.jfr" > "$OUT/jfr-1.txt"

step "charts"
LOADS=$(awk -F' [|] ' '{split($2,a," "); print a[1]}' "$OUT/load.log" | sort -n | sed -n '1p;$p' | paste -sd- -)
$JMH dev.floe.raft.benchmarks.plot.Plot "$OUT/images" "$OUT/value-size.jsonl" "$OUT/members.jsonl" "$OUT/workload.jsonl" \
  docs/benchmarks-data/peers-*.jsonl --note "Floe $(date -u +%F), $(nproc) vCPUs shared with other builds (1-min load $LOADS); peers: peerbench results of 2026-11-29 21:43/21:54 UTC"

if [ "${BIG:-}" = 1 ]; then
  step "scale, the issue's sizes: restart with 10,000,000 entries, a 1 GB snapshot, catch-up of 1 GB"
  # Four members' maps in one JVM: the 1 GB snapshot needs about 10 GB of heap.
  java -Xmx14g -jar raft-examples/target/raft-kv.jar bench --scale restart,snapshot,catchup \
    --scale-entries 10000000 --scale-mb 1024 > "$OUT/scale-big.jsonl" 2> "$OUT/scale-big.err"
fi

step "done"
