#!/usr/bin/env bash
# Caravan against nginx on this machine: same files, same run, alternating A/B rounds, medians and
# ratios. Writes bench/results/<stamp>.md and .svg (and latest.md / latest.svg).
#
#   bench/run.sh            full run (1 GiB file, 3 rounds of 5 s)
#   bench/run.sh --smoke    a few seconds: checks the harness works (CI runs this)
#
# Environment: BENCH_ROUNDS, BENCH_SECONDS, BENCH_BIG_MB. Needs java, curl, wrk, nginx (Debian's).
set -euo pipefail
cd "$(dirname "$0")/.."

SMOKE=0
[ "${1:-}" = "--smoke" ] && SMOKE=1
ROUNDS=${BENCH_ROUNDS:-3}
SECONDS_PER_RUN=${BENCH_SECONDS:-5}
BIG_MB=${BENCH_BIG_MB:-1024}
if [ "$SMOKE" = 1 ]; then ROUNDS=1; SECONDS_PER_RUN=1; BIG_MB=8; fi
PORT=17080
NGINX_PORT=17081
KAFKA_PORT=17092
KEY=caravan-dev-key
WORK=$PWD/bench/work
RESULTS=$PWD/bench/results
[ "$SMOKE" = 1 ] && RESULTS=$WORK/results   # a smoke run proves the harness works; its numbers mean nothing
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

for tool in java curl wrk "$NGINX"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing (apt-get install -y wrk nginx curl)" >&2; exit 2; }
done
[ -f app/target/caravan.jar ] || mvn -B -q -DskipTests package

rm -rf "$WORK"
mkdir -p "$WORK/www" "$WORK/nginx-tmp" "$RESULTS"
CARAVAN_PID=
NGINX_PID=
cleanup() {
  set +e
  if [ -n "$CARAVAN_PID" ]; then kill "$CARAVAN_PID" 2>/dev/null; wait "$CARAVAN_PID" 2>/dev/null; fi
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; fi
  rm -rf "$WORK/www" "$WORK/data/nodes"
}
trap cleanup EXIT

echo "bench: making the files (${BIG_MB} MiB and 64 KiB)"
head -c $((BIG_MB * 1024 * 1024)) /dev/urandom > "$WORK/www/big.bin"
head -c 65536 /dev/urandom > "$WORK/www/small.bin"
BIG_SIZE=$((BIG_MB * 1024 * 1024))

cat > "$WORK/nginx.conf" <<CONF
daemon off;
worker_processes 1;
error_log $WORK/nginx-error.log;
pid $WORK/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on;
  default_type application/octet-stream;
  client_body_temp_path $WORK/nginx-tmp; proxy_temp_path $WORK/nginx-tmp; fastcgi_temp_path $WORK/nginx-tmp;
  uwsgi_temp_path $WORK/nginx-tmp; scgi_temp_path $WORK/nginx-tmp;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" &
NGINX_PID=$!

CARAVAN_DATA_DIR="$WORK/data" CARAVAN_HTTP_PORT=$PORT CARAVAN_KAFKA_EMBEDDED_PORT=$KAFKA_PORT \
  java -jar app/target/caravan.jar > "$WORK/caravan.log" 2>&1 &
CARAVAN_PID=$!
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.25; done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/health" || { echo "bench: Caravan did not start, see $WORK/caravan.log" >&2; exit 1; }

upload() {
  curl -sf -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/octet-stream' -H 'Expect:' \
    -T "$1" -X POST "http://127.0.0.1:$PORT/files?name=$(basename "$1")" | sed -E 's/.*"id":"([^"]+)".*/\1/'
}
BIG_ID=$(upload "$WORK/www/big.bin")
SMALL_ID=$(upload "$WORK/www/small.bin")
for id in "$BIG_ID" "$SMALL_ID"; do
  for _ in $(seq 1 240); do
    [ "$(curl -sf "http://127.0.0.1:$PORT/files/$id/info" | grep -o '"VERIFIED"' | wc -l)" -ge 2 ] && break
    sleep 0.25
  done
done
echo "bench: uploaded $BIG_ID and $SMALL_ID, both replicated"

# page cache: touch the files right before each run (the kernel evicts idle pages)
warm() { cat "$WORK/www/big.bin" "$WORK/www/small.bin" > /dev/null; find "$WORK/data/nodes" -type f -exec cat {} + > /dev/null; }

cat > "$WORK/range.lua" <<LUA
math.randomseed(os.time())
request = function()
  local start = math.random(0, $BIG_SIZE - 1048576)
  return wrk.format("GET", nil, {["Range"] = "bytes=" .. start .. "-" .. (start + 1048575)})
end
LUA

# figure measurements: each prints one number (higher is better)
one_stream() { curl -s -o /dev/null -w '%{speed_download}' "$1"; }                       # bytes/s
wrk_rps() { wrk -t2 -c"$2" -d"${SECONDS_PER_RUN}s" ${3:+-s "$3"} "$1" | awk '/Requests\/sec/ {print $2}'; }
wrk_bps() {                                                                                 # bytes/s
  wrk -t2 -c"$2" -d"${SECONDS_PER_RUN}s" "$1" | awk '/Transfer\/sec/ {
    v = $2; u = substr(v, length(v) - 1); n = substr(v, 1, length(v) - 2)
    m = (u == "GB") ? 1073741824 : (u == "MB") ? 1048576 : (u == "KB") ? 1024 : 1
    if (u !~ /B$/ || u == "B") { n = v; m = 1 }
    printf "%.0f", n * m }'
}

FIGURES=("big1|GET ${BIG_MB} MiB, one stream (MB/s)|0.9" "big4|GET ${BIG_MB} MiB, 4 connections (MB/s)|0.9"
         "small|GET 64 KB, wrk -c32 (req/s)|0.5" "range|GET 1 MiB random Range, wrk -c8 (req/s)|0.6")
measure() { # figure base-url file-path
  case "$1" in
    big1) echo "$(one_stream "$2/$3") 1000000" | awk '{printf "%.0f", $1 / $2}' ;;
    big4) echo "$(wrk_bps "$2/$3" 4) 1000000" | awk '{printf "%.0f", $1 / $2}' ;;
    small) wrk_rps "$2/$4" 32 ;;
    range) wrk_rps "$2/$3" 8 "$WORK/range.lua" ;;
  esac
}
NGINX_BASE="http://127.0.0.1:$NGINX_PORT"
CARAVAN_BASE="http://127.0.0.1:$PORT/files"

echo "bench: warming up (JIT, connection pools; not recorded)"
for f in "${FIGURES[@]}"; do
  key=${f%%|*}
  warm
  measure "$key" "$NGINX_BASE" big.bin small.bin > /dev/null
  measure "$key" "$CARAVAN_BASE" "$BIG_ID" "$SMALL_ID" > /dev/null
done

declare -A A B
for round in $(seq 1 "$ROUNDS"); do
  for f in "${FIGURES[@]}"; do
    key=${f%%|*}
    # alternate which server goes first
    if [ $((round % 2)) = 1 ]; then order="n c"; else order="c n"; fi
    for who in $order; do
      warm
      if [ "$who" = n ]; then
        A[$key]+="$(measure "$key" "$NGINX_BASE" big.bin small.bin) "
      else
        B[$key]+="$(measure "$key" "$CARAVAN_BASE" "$BIG_ID" "$SMALL_ID") "
      fi
    done
  done
  echo "bench: round $round of $ROUNDS done"
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{v[NR] = $1} END {if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$RESULTS/$STAMP.md"
{
  echo "# Caravan vs nginx, $STAMP"
  echo
  echo "Machine: $(nproc) cores, $(java -version 2>&1 | head -1). Rounds: $ROUNDS x ${SECONDS_PER_RUN}s, alternating; medians."
  echo
  echo "| figure | nginx | Caravan | ratio | target |"
  echo "|---|---|---|---|---|"
} > "$OUT"
ROWS=()
for f in "${FIGURES[@]}"; do
  IFS='|' read -r key title target <<< "$f"
  n=$(echo "${A[$key]}" | median)
  c=$(echo "${B[$key]}" | median)
  ratio=$(awk -v n="$n" -v c="$c" 'BEGIN { if (n > 0) printf "%.2f", c / n; else print "n/a" }')
  met=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r + 0 >= t + 0) ? "met" : "NOT met" }')
  echo "| $title | $n | $c | $ratio | >= $target ($met) |" >> "$OUT"
  ROWS+=("$title|$ratio|$target")
done

SVG="$RESULTS/$STAMP.svg"
{
  echo '<svg xmlns="http://www.w3.org/2000/svg" width="760" height="'$((60 + 50 * ${#ROWS[@]}))'" font-family="sans-serif" font-size="13">'
  echo '<text x="10" y="22" font-size="16">Caravan / nginx (same run, medians); the line is the target</text>'
  i=0
  for r in "${ROWS[@]}"; do
    IFS='|' read -r title ratio target <<< "$r"
    y=$((45 + 50 * i))
    w=$(awk -v r="$ratio" 'BEGIN { w = r * 250; if (w > 480) w = 480; if (w < 1) w = 1; printf "%d", w }')
    tx=$(awk -v t="$target" 'BEGIN { printf "%d", 260 + t * 250 }')
    color=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r + 0 >= t + 0) ? "#3a3" : "#c33" }')
    echo "<text x=\"10\" y=\"$((y + 16))\">$title</text>"
    echo "<rect x=\"260\" y=\"$((y + 22))\" width=\"$w\" height=\"16\" fill=\"$color\"/>"
    echo "<text x=\"$((265 + w))\" y=\"$((y + 35))\">$ratio</text>"
    echo "<line x1=\"$tx\" y1=\"$((y + 18))\" x2=\"$tx\" y2=\"$((y + 42))\" stroke=\"#000\" stroke-dasharray=\"3,2\"/>"
    i=$((i + 1))
  done
  echo '</svg>'
} > "$SVG"
cp "$OUT" "$RESULTS/latest.md"
cp "$SVG" "$RESULTS/latest.svg"
cat "$OUT"
echo
echo "bench: wrote $OUT and $SVG"
