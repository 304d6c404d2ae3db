#!/usr/bin/env bash
# Benchmarks Mailwire's websocket-to-TCP tunnel against websockify with the
# shared harness (../shared/bench/proxyprobe), side by side, on loopback:
# bulk echo throughput, small-message round trips, idle tunnels held and
# memory per idle tunnel, and the CPU each process spends per GB, so that
# what limits the ratios is measured too. A plain TCP relay
# (proxy/tunnel/internal/tcprelay) runs beside them: what any extra hop
# costs on this machine, WebSocket or not.
#
#   scripts/bench-proxy.sh            (make bench-proxy)
#
# Environment: PROBE (harness directory), RUNS (throughput and latency
# repetitions, median taken; default 5), IDLE (idle tunnels for Mailwire;
# default 5000), WSK_IDLE (for websockify; default 1000).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROBE=${PROBE:-$ROOT/../shared/bench/proxyprobe}
RUNS=${RUNS:-5}
IDLE=${IDLE:-5000}
WSK_IDLE=${WSK_IDLE:-1000}
MB=${MB:-200}

TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

have() { command -v "$1" >/dev/null 2>&1; }
die() { echo "bench-proxy: $*" >&2; exit 1; }

# free_port prints a loopback port nothing listens on.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
  done
}

wait_port() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing listens on 127.0.0.1:$1"
}

# start runs a command in its own process group and records the group.
start() {
  setsid "$@" >"$TMP/log.$(basename "$1").$RANDOM" 2>&1 &
  PIDS+=($!)
  LAST=$!
}

cpu_ticks() { awk '{print $14+$15+$16+$17}' "/proc/$1/stat" 2>/dev/null || echo 0; }

echo "== building"
[ -d "$PROBE" ] || die "no harness at $PROBE"
(cd "$PROBE" && go build -o "$TMP/" ./cmd/...) || die "building proxyprobe failed"
(cd "$ROOT" && go build -o "$TMP/mailwire" ./proxy/cmd/mailwire && go build -o "$TMP/tcprelay" ./proxy/tunnel/internal/tcprelay) ||
  die "building mailwire failed"
if ! have websockify; then
  echo "== installing websockify (Debian package)"
  if [ "$(id -u)" = 0 ] && have apt-get; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq websockify >/dev/null 2>&1 ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq websockify >/dev/null; }
  fi
  have websockify || echo "bench-proxy: websockify is missing (apt-get install websockify); its column stays empty" >&2
fi

ECHO_PORT=$(free_port)
start "$TMP/echosrv" -listen "127.0.0.1:$ECHO_PORT"; ECHO_PID=$LAST
wait_port "$ECHO_PORT"

MW_PORT=$(free_port)
start "$TMP/mailwire" serve --addr "127.0.0.1:$MW_PORT" --sandbox=false --allow "127.0.0.1:$ECHO_PORT" \
  --max-tunnels -1 --max-tunnels-per-addr -1 --max-new-per-minute -1 --max-session-bytes -1
MW_PID=$LAST
wait_port "$MW_PORT"
MW_URL="ws://127.0.0.1:$MW_PORT/tunnel?host=127.0.0.1&port=$ECHO_PORT"

RELAY_PORT=$(free_port)
start "$TMP/tcprelay" "127.0.0.1:$RELAY_PORT" "127.0.0.1:$ECHO_PORT"; RELAY_PID=$LAST
wait_port "$RELAY_PORT"

WSK_PID=
if have websockify; then
  WSK_PORT=$(free_port)
  start websockify "127.0.0.1:$WSK_PORT" "127.0.0.1:$ECHO_PORT"   # fork per connection, its default
  WSK_PID=$LAST
  wait_port "$WSK_PORT"
  WSK_URL="ws://127.0.0.1:$WSK_PORT/"
fi

P="$TMP/wsprobe"
declare -A R   # results: R[name.metric]

median() { sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print ""}'; }

# probe NAME ARGS...: one wsprobe run; prints its last line, and appends the
# client's CPU seconds to $TMP/NAME.clientcpu.
probe() {
  local name=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$TMP/time" timeout 300 "$P" "$@" >"$TMP/out" 2>&1
  awk '{print $1+$2}' "$TMP/time" 2>/dev/null >>"$TMP/$name.clientcpu"
  tail -2 "$TMP/out"
}

throughput() { # NAME CHUNK ARGS...
  local name=$1 chunk=$2; shift 2
  local e0 e1 line
  e0=$(cpu_ticks "$ECHO_PID")
  line=$(probe "$name.$chunk" -mode throughput -mb "$MB" -chunk "$chunk" "$@" | grep THROUGHPUT)
  e1=$(cpu_ticks "$ECHO_PID")
  echo "$line" | sed -n 's/.*=> \([0-9.]*\) MB\/s each.*/\1/p' >>"$TMP/$name.$chunk.mbs"
  echo "$line" | sed -n 's/.*, \([0-9.]*\) CPU-s per GB.*/\1/p' >>"$TMP/$name.$chunk.proxycpu"
  # echo server CPU-seconds per GB moved (both directions), like wsprobe's figure
  awk -v d=$((e1 - e0)) -v mb="$MB" 'BEGIN {printf "%.2f\n", d/100 / (2*mb/1024)}' >>"$TMP/$name.$chunk.echocpu"
  echo "  $name chunk=$chunk: ${line#THROUGHPUT }"
}

latency() { # NAME ARGS...
  local name=$1; shift
  local line
  line=$(probe "$name.lat" -mode latency "$@" | grep LATENCY)
  echo "$line" | sed -n 's/.*p50=\([0-9]*\)us.*/\1/p' >>"$TMP/$name.p50"
  echo "$line" | sed -n 's/.*p99=\([0-9]*\)us.*/\1/p' >>"$TMP/$name.p99"
  echo "  $name: ${line#LATENCY }"
}

echo "== throughput (${MB} MB echoed, median of $RUNS, interleaved)"
for i in $(seq "$RUNS"); do
  throughput raw 32768 -tcp "127.0.0.1:$ECHO_PORT"
  throughput relay 32768 -tcp "127.0.0.1:$RELAY_PORT" -pid "$RELAY_PID"
  throughput mailwire 32768 -url "$MW_URL" -pid "$MW_PID"
  [ -n "$WSK_PID" ] && throughput websockify 32768 -url "$WSK_URL" -pid "$WSK_PID"
done
for c in 16384 4096; do
  throughput raw $c -tcp "127.0.0.1:$ECHO_PORT"
  throughput mailwire $c -url "$MW_URL" -pid "$MW_PID"
  [ -n "$WSK_PID" ] && throughput websockify $c -url "$WSK_URL" -pid "$WSK_PID"
done

# Each proxy run is paired with a raw run just before it, and the overhead
# is the median of the differences: other work on the machine moves both.
echo "== latency (64-byte round trips, median of $RUNS paired runs)"
for i in $(seq "$RUNS"); do
  latency raw -tcp "127.0.0.1:$ECHO_PORT"
  latency relay -tcp "127.0.0.1:$RELAY_PORT" -pid "$RELAY_PID"
  echo $(( $(tail -1 "$TMP/relay.p50") - $(tail -1 "$TMP/raw.p50") )) >>"$TMP/relay.over"
  latency raw -tcp "127.0.0.1:$ECHO_PORT"
  latency mailwire -url "$MW_URL" -pid "$MW_PID"
  echo $(( $(tail -1 "$TMP/mailwire.p50") - $(tail -1 "$TMP/raw.p50") )) >>"$TMP/mailwire.over"
  if [ -n "$WSK_PID" ]; then
    latency raw -tcp "127.0.0.1:$ECHO_PORT"
    latency websockify -url "$WSK_URL" -pid "$WSK_PID"
    echo $(( $(tail -1 "$TMP/websockify.p50") - $(tail -1 "$TMP/raw.p50") )) >>"$TMP/websockify.over"
  fi
done

echo "== idle tunnels"
idle() { # NAME CONNS ARGS...
  local name=$1 n=$2; shift 2
  probe "$name.idle" -mode idle -conns "$n" -hold 3s "$@" >"$TMP/$name.idle"
  sed 's/^/  /' "$TMP/$name.idle"
}
idle mailwire "$IDLE" -url "$MW_URL" -pid "$MW_PID"
[ -n "$WSK_PID" ] && idle websockify "$WSK_IDLE" -url "$WSK_URL" -pid "$WSK_PID"

# ---- report ----
m() { [ -s "$TMP/$1" ] && median <"$TMP/$1" || echo ""; }
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a/b}'; }
opened() { [ -s "$TMP/$1.idle" ] && sed -n 's/IDLE opened \([0-9]*\)\/.*/\1/p' "$TMP/$1.idle"; }
perTunnel() { [ -s "$TMP/$1.idle" ] && sed -n 's/.*per tunnel: RSS \([0-9.]*\)KB, PSS \([0-9.]*\)KB.*/\2/p' "$TMP/$1.idle"; }

RAW=$(m raw.32768.mbs); MW=$(m mailwire.32768.mbs); WS=$(m websockify.32768.mbs)
RAWL=$(m raw.p50); MWL=$(m mailwire.p50); WSL=$(m websockify.p50)
MWIDLE=$(opened mailwire); MWKB=$(perTunnel mailwire)
WSIDLE=$(opened websockify); WSKB=$(perTunnel websockify)

echo
echo "== results (median of $RUNS; MB/s each direction; CPU-s per GB moved)"
row() { printf '| %-34s | %10s | %10s | %10s | %10s | %9s | %9s | %9s |\n' "$@"; }
row "" "raw TCP" "TCP relay" "Mailwire" "websockify" "relay/raw" "MW/raw" "wsk/raw"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' "------------------------------------" "------------" "------------" "------------" "------------" "-----------" "-----------" "-----------"
for c in 32768 16384 4096; do
  a=$(m raw.$c.mbs); r=$(m relay.$c.mbs); b=$(m mailwire.$c.mbs); w=$(m websockify.$c.mbs)
  row "throughput, $((c / 1024)) KiB messages" "$a" "$r" "$b" "$w" "$(ratio "$r" "$a")" "$(ratio "$b" "$a")" "$(ratio "$w" "$a")"
done
row "proxy CPU per GB (32 KiB)" "-" "$(m relay.32768.proxycpu)" "$(m mailwire.32768.proxycpu)" "$(m websockify.32768.proxycpu)" "" "" ""
cc() { [ -s "$TMP/$1.32768.clientcpu" ] && awk -v mb="$MB" '{print $1 / (2*mb/1024)}' "$TMP/$1.32768.clientcpu" | median; }
row "client CPU per GB (32 KiB)" "$(cc raw)" "$(cc relay)" "$(cc mailwire)" "$(cc websockify)" "" "" ""
row "echo server CPU per GB (32 KiB)" "$(m raw.32768.echocpu)" "$(m relay.32768.echocpu)" "$(m mailwire.32768.echocpu)" "$(m websockify.32768.echocpu)" "" "" ""
MWO=$(m mailwire.over); WSO=$(m websockify.over); RLO=$(m relay.over)
row "64 B round trip p50 (us)" "$RAWL" "$(m relay.p50)" "$MWL" "$WSL" "" "" ""
row "round trip overhead, paired (us)" "-" "+$RLO" "+$MWO" "${WSO:++$WSO}" "" "" ""
row "64 B round trip p99 (us)" "$(m raw.p99)" "$(m relay.p99)" "$(m mailwire.p99)" "$(m websockify.p99)" "" "" ""
row "idle tunnels opened" "-" "-" "$MWIDLE/$IDLE" "${WSIDLE:+$WSIDLE/$WSK_IDLE}" "" "" ""
row "memory per idle tunnel (PSS KB)" "-" "-" "$MWKB" "$WSKB" "" "" ""

# Ceiling: the CPU the client and echo server need per GB through a proxy
# that cost nothing, against the 2 cores they share with it.
CEIL=$(awk -v c="$(cc mailwire)" -v e="$(m mailwire.32768.echocpu)" -v raw="$RAW" -v n="$(nproc)" \
  'BEGIN {if (c + e > 0 && raw > 0) printf "%.0f MB/s each direction = %.2f of raw", n * 1024 / 2 / (c + e), n * 1024 / 2 / (c + e) / raw}')
echo
echo "ceiling with a free proxy (client + echo CPU on $(nproc) cores): $CEIL"
echo
echo "== targets"
check() { if [ "$2" = 1 ]; then echo "  met     $1"; else echo "  MISSED  $1"; fi; }
check "throughput >= 0.70 of raw TCP: $(ratio "$MW" "$RAW") (a plain TCP relay: $(ratio "$(m relay.32768.mbs)" "$RAW"))" "$(awk -v r="$(ratio "$MW" "$RAW")" 'BEGIN {print (r >= 0.70)}')"
check ">= 5000 idle tunnels: $MWIDLE" "$(awk -v n="${MWIDLE:-0}" 'BEGIN {print (n >= 5000)}')"
check "<= 20 KiB per idle tunnel: ${MWKB} KB" "$(awk -v k="${MWKB:-999}" 'BEGIN {print (k <= 20*1.024)}')"
check "round trip overhead < 30 µs at the median: +$MWO µs (a plain TCP relay: +$RLO µs)" "$(awk -v d="$MWO" 'BEGIN {print (d < 30)}')"
[ -n "$WS" ] && echo "  Mailwire/websockify: throughput $(ratio "$MW" "$WS")x, idle tunnels $(ratio "${MWIDLE:-0}" "${WSIDLE:-0}")x, memory per idle tunnel $(ratio "${WSKB:-0}" "${MWKB:-0}")x less"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"
exit 0
