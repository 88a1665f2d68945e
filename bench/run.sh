#!/usr/bin/env bash
# Caravan against reference servers on this machine: same files, same run, alternating A/B rounds,
# medians and ratios. References: nginx (sendfile on; dav_methods PUT for uploads), S3Proxy straight
# (for Caravan's S3 nodes, which are served by that same S3Proxy) and dd conv=fdatasync. Also reports
# replication lag under the upload load, heap and RSS while streaming a 2 GiB file with -Xmx256m, and
# requests per server CPU-second. Writes bench/results/<stamp>.md and .svg (and latest.md / latest.svg).
#
#   bench/run.sh            full run (1 GiB file, 3 rounds of 5 s)
#   bench/run.sh --smoke    a few seconds: checks the harness works (CI runs this)
#
# Environment: BENCH_ROUNDS, BENCH_SECONDS, BENCH_BIG_MB, BENCH_MEM_MB, BENCH_UPLOAD_WARM (seconds of
# 64 KB uploads before the rounds: the upload path runs much more code than a GET - Camel, H2, the
# Kafka broker and clients - and on 2 cores the JIT compiler's share of the CPU falls below 5% only after
# 100-120 s of it; default 150), BENCH_MIN_FREE_MB (free space the run checks for first: a full run
# writes ~35 GB, mostly the 64 KB uploads, two replicas each; default 40960), BENCH_GET_WARM (seconds per step of
# the GET warm-up after the uploads', five steps; default 30), BENCH_OPS_WARM (10 s turns of each metrics on/off
# Caravan's warm-up; default 8), BENCH_OPS_ROUNDS, BENCH_LIVE_SECONDS.
# Needs java, mvn, curl, wrk, nginx (Debian's).
set -euo pipefail
cd "$(dirname "$0")/.."
# a step that fails names itself instead of ending the run without a word
trap 'rc=$?; echo "bench: failed (exit $rc) at bench/run.sh line $LINENO: $BASH_COMMAND" >&2' ERR

SMOKE=0
[ "${1:-}" = "--smoke" ] && SMOKE=1
ROUNDS=${BENCH_ROUNDS:-3}
SECONDS_PER_RUN=${BENCH_SECONDS:-5}
BIG_MB=${BENCH_BIG_MB:-1024}
MEM_MB=${BENCH_MEM_MB:-2048}
UPLOAD_WARM=${BENCH_UPLOAD_WARM:-150}
if [ "$SMOKE" = 1 ]; then ROUNDS=1; SECONDS_PER_RUN=1; BIG_MB=8; MEM_MB=16; UPLOAD_WARM=1; fi
PORT=17080
NGINX_PORT=17081
KAFKA_PORT=17092
S3_PORT=17083
KEY=caravan-dev-key
WORK=$PWD/bench/work
RESULTS=$PWD/bench/results
[ "$SMOKE" = 1 ] && RESULTS=$WORK/results   # a smoke run proves the harness works; its numbers mean nothing
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

for tool in java mvn curl wrk "$NGINX"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing (apt-get install -y wrk nginx curl maven)" >&2; exit 2; }
done
# Caravan and its test class path (S3Proxy and the Kafka client, for the lag report) come from this
# checkout's own build: the whole reactor is packaged, so the project's modules are the jars under
# */target/, never copies in the local Maven repository
if [ ! -f app/target/caravan.jar ] || [ ! -f app/target/test-classpath.txt ]; then
  echo "bench: building Caravan (mvn -B -DskipTests package, log in bench/build.log)"
  mvn -B -Dstyle.color=never -DskipTests package > bench/build.log 2>&1 \
    || { echo "bench: the build failed; the end of bench/build.log:" >&2; tail -40 bench/build.log >&2; exit 1; }
fi
# every 64 KB upload of the rounds is kept twice (both replicas) until the end, next to the big files
# in nginx's root, Caravan's nodes and S3Proxy's buckets: a full disk shows up as failed copies
NEED_MB=$(( SMOKE == 1 ? 512 : ${BENCH_MIN_FREE_MB:-40960} ))
FREE_MB=$(df -Pm . | awk 'NR == 2 {print $4}')
[ "$FREE_MB" -ge "$NEED_MB" ] || { echo "bench: needs ${NEED_MB} MiB free on $(df -P . | awk 'NR == 2 {print $6}'), has ${FREE_MB} (BENCH_MIN_FREE_MB)" >&2; exit 2; }

rm -rf "$WORK"
mkdir -p "$WORK/www" "$WORK/dav" "$WORK/nginx-tmp" "$WORK/s3/blobs" "$RESULTS"
# written by the app module's build (maven-dependency-plugin, build-classpath)
CP=$(cat app/target/test-classpath.txt)
PIDS=()
cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$WORK/www" "$WORK/dav" "$WORK/data/nodes" "$WORK/s3/blobs" "$WORK/dd.out" "$WORK"/*.bin
}
trap cleanup EXIT

echo "bench: making the files (${BIG_MB} MiB, ${MEM_MB} MiB and 64 KiB)"
head -c $((BIG_MB * 1024 * 1024)) /dev/urandom > "$WORK/www/big.bin"
head -c $((MEM_MB * 1024 * 1024)) /dev/urandom > "$WORK/mem.bin"
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
  client_max_body_size 0;
  client_body_temp_path $WORK/nginx-tmp; proxy_temp_path $WORK/nginx-tmp; fastcgi_temp_path $WORK/nginx-tmp;
  uwsgi_temp_path $WORK/nginx-tmp; scgi_temp_path $WORK/nginx-tmp;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    location /dav/ { root $WORK; dav_methods PUT; create_full_put_path on; }
  }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" &
PIDS+=($!)
NGINX_MASTER=$!

cat > "$WORK/s3/s3proxy.properties" <<CONF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=none
jclouds.provider=filesystem-nio2
jclouds.identity=bench
jclouds.credential=bench-secret
jclouds.filesystem.basedir=$WORK/s3/blobs
CONF
java -cp "$CP" org.gaul.s3proxy.Main --properties "$WORK/s3/s3proxy.properties" > "$WORK/s3/s3proxy.log" 2>&1 &
PIDS+=($!)

# -Xmx256m: the heap figure is taken on this very process. Dedup off: the upload figures send the
# same bytes again and again, which Caravan would otherwise store once (nginx stores every copy).
rm -rf "$WORK/extensions"; mkdir -p "$WORK/extensions"
CARAVAN_DATA_DIR="$WORK/data" CARAVAN_HTTP_PORT=$PORT CARAVAN_KAFKA_EMBEDDED_PORT=$KAFKA_PORT CARAVAN_DEDUP_ENABLED=false \
  CARAVAN_EXTENSIONS_DIR="$WORK/extensions" \
  java -Xmx256m -jar app/target/caravan.jar > "$WORK/caravan.log" 2>&1 &
CARAVAN_PID=$!
PIDS+=($CARAVAN_PID)
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.25; done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/health" || { echo "bench: Caravan did not start, see $WORK/caravan.log" >&2; exit 1; }
for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" && break; sleep 0.25; done
NGINX_WORKER=$(pgrep -P "$NGINX_MASTER" | head -1)

# the S3 variant: a group "s3" of two nodes, buckets on the S3Proxy above
for n in a b; do
  curl -sf -o /dev/null -X PUT "http://127.0.0.1:$S3_PORT/bench-$n"
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/admin/nodes" \
    -d "{\"name\":\"s3-$n\",\"group\":\"s3\",\"kind\":\"s3\",\"endpoint\":\"http://127.0.0.1:$S3_PORT\",\"bucket\":\"bench-$n\",\"accessKey\":\"bench\",\"secretKey\":\"bench-secret\"}"
done
for _ in $(seq 1 120); do
  [ "$(curl -sf "http://127.0.0.1:$PORT/cluster" | grep -o '"name":"s3-[ab]"[^}]*"state":"ACTIVE"' | wc -l)" -ge 2 ] && break
  sleep 0.25
done

upload() { # file [group]: prints the new id
  curl -sf -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/octet-stream' -H 'Expect:' \
    -T "$1" "http://127.0.0.1:$PORT/files?name=$(basename "$1")&group=${2:-g1}" | sed -E 's/.*"id":"([^"]+)".*/\1/'
}
replicated() { # id: waits until both copies are verified
  for _ in $(seq 1 480); do
    [ "$(curl -sf "http://127.0.0.1:$PORT/files/$1/info" | grep -o '"state":"VERIFIED"' | wc -l)" -ge 2 ] && return 0
    sleep 0.25
  done
  echo "bench: $1 was not replicated in time (see $WORK/caravan.log)" >&2; exit 1
}
BIG_ID=$(upload "$WORK/www/big.bin")
SMALL_ID=$(upload "$WORK/www/small.bin")
S3_ID=$(upload "$WORK/www/big.bin" s3)
for id in "$BIG_ID" "$SMALL_ID" "$S3_ID"; do replicated "$id"; done
echo "bench: uploaded $BIG_ID, $SMALL_ID (disk) and $S3_ID (S3), all replicated"

# HLS: a 720p clip with a 2 s GOP, packaged by Caravan (renditions "source": copied, cut at keyframes); nginx
# serves the same packaged media file from disk. Players fetch segments by byte range from the playlist.
command -v ffmpeg >/dev/null 2>&1 || { echo "bench: ffmpeg is missing (apt-get install -y ffmpeg)" >&2; exit 2; }
hls_state() { curl -sf "http://127.0.0.1:$PORT/files/$1/info" | grep -o '"hls":{"state":"[A-Z]*"' | sed -E 's/.*"state":"([A-Z]+)"/\1/'; }
ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=25:duration=$([ "$SMOKE" = 1 ] && echo 8 || echo 40)" \
  -f lavfi -i "sine=frequency=440:duration=$([ "$SMOKE" = 1 ] && echo 8 || echo 40)" -c:v libx264 -preset veryfast -g 50 -pix_fmt yuv420p \
  -c:a aac -b:a 128k -movflags +faststart "$WORK/hls-src.mp4"
HLS_ID=$(curl -sf -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: video/mp4' -H 'Expect:' \
  --data-binary @"$WORK/hls-src.mp4" "http://127.0.0.1:$PORT/files?name=hls-src.mp4&group=g1" | sed -E 's/.*"id":"([^"]+)".*/\1/')
for _ in $(seq 1 600); do [ "$(hls_state "$HLS_ID")" = READY ] && break; sleep 0.1; done
[ "$(hls_state "$HLS_ID")" = READY ] || { echo "bench: HLS of $HLS_ID is not ready: $(curl -s "http://127.0.0.1:$PORT/files/$HLS_ID/info")" >&2; exit 1; }
mkdir -p "$WORK/www/hls"
curl -sf -o "$WORK/www/hls/source.mp4" "http://127.0.0.1:$PORT/files/$HLS_ID/hls/source.mp4"
curl -sf -o "$WORK/www/hls/source.m3u8" "http://127.0.0.1:$PORT/files/$HLS_ID/hls/source.m3u8"
# the storage HLS "source" packaging adds: every HLS file of the clip, in percent of the clip
HLS_BYTES=$(curl -sf "http://127.0.0.1:$PORT/files/$HLS_ID/info" | grep -o '"kind":"hls[a-z0-9-]*","id":"[^"]*","name":"[^"]*","contentType":"[^"]*","size":[0-9]*' \
  | sed -E 's/.*"size":([0-9]+)/\1/' | awk '{ s += $1 } END { print s + 0 }')
HLS_OVERHEAD=$(awk -v h="$HLS_BYTES" -v o="$(stat -c %s "$WORK/hls-src.mp4")" 'BEGIN { printf "%.1f", h * 100 / o }')
# the segments' byte ranges, for the players' script
SEGMENTS=$(awk -F'[:@]' '/^#EXT-X-BYTERANGE:/ { printf "{%d,%d},", $3, $2 }' "$WORK/www/hls/source.m3u8")
cat > "$WORK/hls-players.lua" <<LUA
math.randomseed(os.time())
local segments = {$SEGMENTS}
request = function()
  local s = segments[math.random(1, #segments)]
  return wrk.format("GET", nil, {["Range"] = "bytes=" .. s[1] .. "-" .. (s[1] + s[2] - 1)})
end
LUA
echo "bench: HLS of $HLS_ID ready: $(grep -c '^#EXT-X-BYTERANGE' "$WORK/www/hls/source.m3u8") segments, packaged files $HLS_OVERHEAD% of the clip"

# page cache: touch the files right before each run (the kernel evicts idle pages)
# a quiet server before each measurement: the copies of earlier uploads (put64, hook64, up1g) made, so that
# background replication does not run under the next figure (at most 30 s)
settle() {
  [ "$SMOKE" = 1 ] && return 0  # the smoke run checks the harness, not the figures
  for _ in $(seq 1 60); do
    c=$(curl -sf "$CARAVAN/cluster" || true)
    if [[ "$c" == *'"unpublishedEvents":0'* ]] && ! grep -qE '"lag":[1-9]' <<< "$c"; then return 0; fi
    sleep 0.5
  done
}
warm() {
  settle
  cat "$WORK/www/big.bin" "$WORK/www/small.bin" > /dev/null
  # (uploads in flight come and go under .tmp)
  find "$WORK/data/nodes" "$WORK/s3/blobs" -type f -size +60k -not -path '*/.tmp/*' -exec cat {} + > /dev/null 2>&1 || true
}

cat > "$WORK/range.lua" <<LUA
math.randomseed(os.time())
request = function()
  local start = math.random(0, $BIG_SIZE - 1048576)
  return wrk.format("GET", nil, {["Range"] = "bytes=" .. start .. "-" .. (start + 1048575)})
end
LUA
# 64 KB uploads: a new file per request (nginx: a new path; Caravan: a new id, replicated)
for who in nginx caravan; do
  cat > "$WORK/put-$who.lua" <<LUA
local f = io.open("$WORK/www/small.bin", "rb")
local body = f:read("*a")
f:close()
local n = 0
request = function()
  n = n + 1
  if "$who" == "nginx" then
    return wrk.format("PUT", "/dav/" .. math.random(1, 1000000000) .. "-" .. n .. ".bin", nil, body)
  end
  return wrk.format("POST", "/files?name=small.bin&group=g1",
    {["Authorization"] = "Bearer $KEY", ["Content-Type"] = "application/octet-stream"}, body)
end
LUA
done

# figure measurements: each prints one number (higher is better)
one_stream() { curl -s -o /dev/null -w '%{speed_download}' "$1" | awk '{printf "%.0f", $1 / 1000000}'; }  # MB/s
wrk_out() { wrk -t2 -c"$2" -d"${SECONDS_PER_RUN}s" ${3:+-s "$3"} "$1"; }
wrk_rps() { wrk_out "$@" | awk '/Requests\/sec/ {print $2}'; }
wrk_mbps() {                                                                                # MB/s
  wrk_out "$@" | awk '/Transfer\/sec/ {
    v = $2; u = substr(v, length(v) - 1); n = substr(v, 1, length(v) - 2)
    m = (u == "GB") ? 1073741824 : (u == "MB") ? 1048576 : (u == "KB") ? 1024 : 1
    if (u !~ /B$/ || u == "B") { n = v; m = 1 }
    printf "%.0f", n * m / 1000000 }'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
per_cpu_second() { # pid url: 64 KB GETs served per CPU-second of the server process
  local t0 t1 n
  t0=$(cpu_ticks "$1")
  n=$(wrk_out "$2" 32 | awk '/requests in/ {print $1}')
  t1=$(cpu_ticks "$1")
  awk -v n="$n" -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (t > 0) ? n / (t / hz) : 0 }'
}
upload_mbps() { # the 1 GiB upload, fsynced before the answer, as MB/s
  local out id
  out=$(curl -sf -X POST -H "Authorization: Bearer $KEY" -H 'Expect:' -T "$WORK/www/big.bin" \
    -w '\n%{speed_upload}' "http://127.0.0.1:$PORT/files?name=big.bin&group=g1")
  id=$(echo "$out" | head -1 | sed -E 's/.*"id":"([^"]+)".*/\1/')
  replicated "$id"   # let the copy finish before the next run, then free the space
  curl -sf -o /dev/null -X DELETE -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/files/$id"
  echo "$out" | tail -1 | awk '{printf "%.0f", $1 / 1000000}'
}
dd_mbps() {
  local t0 t1
  t0=$(date +%s%N)
  dd if="$WORK/www/big.bin" of="$WORK/dd.out" bs=1M conv=fdatasync 2>/dev/null
  t1=$(date +%s%N)
  rm -f "$WORK/dd.out"
  awk -v b="$BIG_SIZE" -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", b / (ns / 1e9) / 1000000 }'
}

# an extension file dropped into (taken out of) the extension folder; returns once Caravan runs it (removed it)
extension_state() { curl -sf -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/admin/extensions" \
  | grep -o "\"file\":\"$1.camel.yaml\",\"state\":\"[A-Z]*\"" | sed -E 's/.*"state":"([A-Z]+)"/\1/'; }
extension_on() {
  cp "$WORK/$1.camel.yaml" "$WORK/extensions/.$1.tmp" && mv "$WORK/extensions/.$1.tmp" "$WORK/extensions/$1.camel.yaml"
  for _ in $(seq 1 100); do [ "$(extension_state "$1")" = RUNNING ] && return 0; sleep 0.1; done
  echo "bench: extension $1 did not start" >&2; return 1
}
extension_off() {
  rm -f "$WORK/extensions/$1.camel.yaml"
  for _ in $(seq 1 100); do [ "$(extension_state "$1")" = REMOVED ] && return 0; sleep 0.1; done
  echo "bench: extension $1 was not removed" >&2; return 1
}
# the trivial hook: asked before every upload, refuses none (a name check that never matches)
cat > "$WORK/trivial-hook.camel.yaml" <<'YAML'
- route:
    id: trivial-hook
    from:
      uri: direct:before-upload
      steps:
        - filter:
            simple: "${header.CaravanFileName} endsWith '.never'"
            steps:
              - setHeader:
                  name: CaravanRejectReason
                  constant: "never"
YAML

# key|title|reference name|target ratio ("" = reported only)
FIGURES=("big1|GET ${BIG_MB} MiB, one stream (MB/s)|nginx|0.9"
         "big4|GET ${BIG_MB} MiB, 4 connections (MB/s)|nginx|0.9"
         "small|GET 64 KB, wrk -c32 (req/s)|nginx|0.5"
         "range|GET 1 MiB random Range, wrk -c8 (req/s)|nginx|0.6"
         "s3get|GET ${BIG_MB} MiB from an S3 node, one stream (MB/s)|S3Proxy direct|0.9"
         "put64|64 KB uploads, wrk -c8 (req/s)|nginx dav PUT|0.3"
         "hook64|64 KB uploads with a trivial before-upload hook, wrk -c8 (req/s)|Caravan, no hook|0.9"
         "hlsseg|HLS segments by byte range, 64 players, wrk -c64 (req/s)|nginx|0.8"
         "up1g|upload ${BIG_MB} MiB, one stream (MB/s)|dd conv=fdatasync|0.5"
         "cpu|GET 64 KB per server CPU-second (req)|nginx|")
NGINX_BASE="http://127.0.0.1:$NGINX_PORT"
CARAVAN="http://127.0.0.1:$PORT"
measure() { # figure who(n|c)
  case "$1-$2" in
    big1-n) one_stream "$NGINX_BASE/big.bin" ;;
    big1-c) one_stream "$CARAVAN/files/$BIG_ID" ;;
    big4-n) wrk_mbps "$NGINX_BASE/big.bin" 4 ;;
    big4-c) wrk_mbps "$CARAVAN/files/$BIG_ID" 4 ;;
    small-n) wrk_rps "$NGINX_BASE/small.bin" 32 ;;
    small-c) wrk_rps "$CARAVAN/files/$SMALL_ID" 32 ;;
    range-n) wrk_rps "$NGINX_BASE/big.bin" 8 "$WORK/range.lua" ;;
    range-c) wrk_rps "$CARAVAN/files/$BIG_ID" 8 "$WORK/range.lua" ;;
    s3get-n) one_stream "http://127.0.0.1:$S3_PORT/bench-a/$S3_ID" ;;
    s3get-c) one_stream "$CARAVAN/files/$S3_ID" ;;
    put64-n) wrk_rps "$NGINX_BASE" 8 "$WORK/put-nginx.lua"; rm -rf "$WORK/dav" ;;
    put64-c) wrk_rps "$CARAVAN" 8 "$WORK/put-caravan.lua" ;;
    hlsseg-n) wrk_rps "$NGINX_BASE/hls/source.mp4" 64 "$WORK/hls-players.lua" ;;
    hlsseg-c) wrk_rps "$CARAVAN/files/$HLS_ID/hls/source.mp4" 64 "$WORK/hls-players.lua" ;;
    hook64-n) wrk_rps "$CARAVAN" 8 "$WORK/put-caravan.lua" ;;
    hook64-c) extension_on trivial-hook; wrk_rps "$CARAVAN" 8 "$WORK/put-caravan.lua"; extension_off trivial-hook ;;
    up1g-n) dd_mbps ;;
    up1g-c) upload_mbps ;;
    cpu-n) per_cpu_second "$NGINX_WORKER" "$NGINX_BASE/small.bin" ;;
    cpu-c) per_cpu_second "$CARAVAN_PID" "$CARAVAN/files/$SMALL_ID" ;;
  esac
}

echo "bench: warming up (JIT, connection pools; not recorded)"
for f in "${FIGURES[@]}"; do
  key=${f%%|*}
  warm
  measure "$key" n > /dev/null
  measure "$key" c > /dev/null
done
echo "bench: ${UPLOAD_WARM}s of 64 KB uploads to Caravan (JIT of the upload and replication path; not recorded)"
wrk -t2 -c8 -d"${UPLOAD_WARM}s" -s "$WORK/put-caravan.lua" "$CARAVAN" > /dev/null
# then the GET paths the rounds measure, for longer than the one pass above: while C2 compiles a GET path it takes
# 30-40% of a core for 80-100 s of load, and the path's rate climbs all that time (HLS segments from ~1000 to
# ~1750 req/s, 64 KB GETs from ~1000 to ~7000 on a new Caravan); 150 s in all by default
GET_WARM=$([ "$SMOKE" = 1 ] && echo 1 || echo "${BENCH_GET_WARM:-30}")
echo "bench: $((GET_WARM * 5))s of 64 KB GETs, HLS segments and 1 MiB ranges from Caravan (JIT of the GET paths; not recorded)"
settle
for _ in 1 2; do
  wrk -t2 -c64 -d"${GET_WARM}s" -s "$WORK/hls-players.lua" "$CARAVAN/files/$HLS_ID/hls/source.mp4" > /dev/null
  wrk -t2 -c32 -d"${GET_WARM}s" "$CARAVAN/files/$SMALL_ID" > /dev/null
done
wrk -t2 -c8 -d"${GET_WARM}s" -s "$WORK/range.lua" "$CARAVAN/files/$BIG_ID" > /dev/null
sleep 2   # the copies of the warm-up finish before the measured rounds

LAG_SINCE=$(($(date +%s%N) / 1000000))
declare -A A B
for round in $(seq 1 "$ROUNDS"); do
  for f in "${FIGURES[@]}"; do
    key=${f%%|*}
    # alternate which server goes first
    if [ $((round % 2)) = 1 ]; then order="n c"; else order="c n"; fi
    for who in $order; do
      warm
      if [ "$who" = n ]; then A[$key]+="$(measure "$key" n) "; else B[$key]+="$(measure "$key" c) "; fi
    done
  done
  echo "bench: round $round of $ROUNDS done"
done

# replication lag of the copies made during the measured rounds (uploads: put64 and up1g)
read -r LAG_P50 LAG_P99 LAG_N RELAY_P50 RELAY_P99 <<< "$(java -cp "$CP" bench/LagReport.java "127.0.0.1:$KAFKA_PORT" caravan.files "$LAG_SINCE")"

# first byte of a segment: sequential GETs of random segments, time to the first byte (curl time_starttransfer)
first_byte() { # base url: prints the p95 in ms
  local ranges; ranges=($(awk -F'[:@]' '/^#EXT-X-BYTERANGE:/ { print $3 "-" $3 + $2 - 1 }' "$WORK/www/hls/source.m3u8"))
  for _ in $(seq 1 "$([ "$SMOKE" = 1 ] && echo 20 || echo 300)"); do
    curl -s -o /dev/null -r "${ranges[$((RANDOM % ${#ranges[@]}))]}" -w '%{time_starttransfer}\n' "$1"
  done | awk '{ printf "%.2f\n", $1 * 1000 }' | percentile 95
}
percentile() { sort -n | awk -v p="$1" '{v[NR] = $1} END { if (NR == 0) { print "n/a"; exit } i = int(p / 100 * NR + 0.999999); if (i < 1) i = 1; print v[i] }'; }
FB_NGINX=$(first_byte "$NGINX_BASE/hls/source.mp4")
FB_CARAVAN=$(first_byte "$CARAVAN/files/$HLS_ID/hls/source.mp4")

# poster latency: recipe video-poster in the extension folder, the 10 s sample clip uploaded one at a time;
# from the upload's 201 to its poster listed in /files/{id}/info (the first, which warms ffmpeg and the JIT, not counted)
POSTER_N=${BENCH_POSTERS:-20}
[ "$SMOKE" = 1 ] && POSTER_N=2
POSTER_P50=n/a; POSTER_P95=n/a; POSTER_MAX=n/a; POSTER_GOT=0; HLS_P50=n/a; HLS_P95=n/a
if command -v ffmpeg >/dev/null 2>&1; then
  echo "bench: poster latency, $POSTER_N uploads of the 10 s sample clip"
  cp routes/recipes/video-poster.camel.yaml "$WORK/video-poster.camel.yaml"
  extension_on video-poster
  LAT=(); HLAT=()
  for i in $(seq 0 "$POSTER_N"); do
    id=$(curl -sf -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: video/mp4' -H 'Expect:' \
      --data-binary @app/src/test/resources/media/clip.mp4 "$CARAVAN/files?name=clip-$i.mp4&group=g1" | sed -E 's/.*"id":"([^"]+)".*/\1/')
    t0=$(date +%s%N)
    tp=""; th=""
    for _ in $(seq 1 1000); do
      info=$(curl -sf "$CARAVAN/files/$id/info")
      [ -z "$tp" ] && echo "$info" | grep -q '"kind":"poster"' && tp=$(date +%s%N)
      [ -z "$th" ] && echo "$info" | grep -q '"hls":{"state":"READY"' && th=$(date +%s%N)
      [ -n "$tp" ] && [ -n "$th" ] && break
      sleep 0.02
    done
    [ -n "$tp" ] && [ -n "$th" ] || { echo "bench: no poster or no HLS for $id" >&2; continue; }
    [ "$i" = 0 ] || { LAT+=($(( (tp - t0) / 1000000 ))); HLAT+=($(( (th - t0) / 1000000 ))); }
  done
  extension_off video-poster
  POSTER_GOT=${#LAT[@]}
  POSTER_P50=$(printf '%s\n' "${LAT[@]}" | percentile 50)
  POSTER_P95=$(printf '%s\n' "${LAT[@]}" | percentile 95)
  POSTER_MAX=$(printf '%s\n' "${LAT[@]}" | percentile 100)
  HLS_P50=$(printf '%s\n' "${HLAT[@]}" | percentile 50)
  HLS_P95=$(printf '%s\n' "${HLAT[@]}" | percentile 95)
else
  echo "bench: ffmpeg is missing (apt-get install -y ffmpeg): no poster latency" >&2
fi

# heap and RSS of the -Xmx256m Caravan while it streams a ${MEM_MB} MiB file from a disk node and from an S3 node
MEM_DISK=$(upload "$WORK/mem.bin")
MEM_S3=$(upload "$WORK/mem.bin" s3)
replicated "$MEM_DISK"; replicated "$MEM_S3"
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$CARAVAN_PID/status"; }
RSS_BEFORE=$(rss)
jstat -gc "$CARAVAN_PID" 250 > "$WORK/jstat.txt" &
JSTAT=$!
( while kill -0 "$CARAVAN_PID" 2>/dev/null; do rss; echo; sleep 0.25; done ) > "$WORK/rss.txt" &
RSS_LOOP=$!
GOT_DISK=$(curl -s -o /dev/null -w '%{size_download}' "$CARAVAN/files/$MEM_DISK")
GOT_S3=$(curl -s -o /dev/null -w '%{size_download}' "$CARAVAN/files/$MEM_S3")
sleep 1
kill "$JSTAT" "$RSS_LOOP" 2>/dev/null; wait "$JSTAT" "$RSS_LOOP" 2>/dev/null || true
RSS_MAX=$(sort -n "$WORK/rss.txt" | tail -1)
RSS_AFTER=$(rss)
# jstat -gc: used = S0U + S1U + EU + OU (KiB)
HEAP_MAX=$(awk 'NR > 1 && $1 ~ /^[0-9.]+$/ { u = $3 + $4 + $6 + $8; if (u > m) m = u } END { printf "%.0f", m / 1024 }' "$WORK/jstat.txt")
MEM_OK=no
if kill -0 "$CARAVAN_PID" 2>/dev/null && [ "$GOT_DISK" = $((MEM_MB * 1048576)) ] && [ "$GOT_S3" = $((MEM_MB * 1048576)) ] \
   && ! grep -q OutOfMemoryError "$WORK/caravan.log"; then MEM_OK=yes; fi

# live: one encoder pushing to Caravan over HTTP (PUT, 2 s segments) and one to nginx-rtmp (RTMP; hls_fragment 2s,
# hls_playlist_length 12s), started at the same instant t0 from the same 720p source with a 2 s GOP, -c copy. A
# poller on the same clock notes when each segment is first listed by Caravan's ingest gateway, by a second
# gateway (its own JVM on the same catalogue, H2 AUTO_SERVER, and Kafka) and by nginx-rtmp: latency = first
# listed - (t0 + the segment's media offset). 32 players watch the ingest gateway meanwhile (errors, stalls).
LIVE_SECONDS=${BENCH_LIVE_SECONDS:-130}
[ "$SMOKE" = 1 ] && LIVE_SECONDS=12
RTMP_MODULE=/usr/lib/nginx/modules/ngx_rtmp_module.so
LIVE_ROWS=()
LIVE_PLAYERS="n/a"
if [ -f "$RTMP_MODULE" ]; then
  echo "bench: live latency, ${LIVE_SECONDS}s pushes to Caravan and to nginx-rtmp at once"
  RTMP_PORT=17085; RTMP_HTTP=17086; LIVE_A=17087; LIVE_B=17088; LIVE_KAFKA=17089
  rm -rf "$WORK/live" && mkdir -p "$WORK/live/rtmp-hls" "$WORK/live/tmp" "$WORK/live/classes"
  cat > "$WORK/live/rtmp.conf" <<CONF
load_module $RTMP_MODULE;
daemon off;
worker_processes 1;
error_log $WORK/live/rtmp-error.log;
pid $WORK/live/rtmp.pid;
events { worker_connections 1024; }
rtmp { server { listen 127.0.0.1:$RTMP_PORT; application live { live on; hls on; hls_path $WORK/live/rtmp-hls; hls_fragment 2s; hls_playlist_length 12s; } } }
http {
  access_log off; sendfile on;
  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
  client_body_temp_path $WORK/live/tmp; proxy_temp_path $WORK/live/tmp; fastcgi_temp_path $WORK/live/tmp;
  uwsgi_temp_path $WORK/live/tmp; scgi_temp_path $WORK/live/tmp;
  server { listen 127.0.0.1:$RTMP_HTTP; root $WORK/live; location /rtmp-hls/ { add_header Cache-Control no-cache; } }
}
CONF
  "$NGINX" -c "$WORK/live/rtmp.conf" -p "$WORK/live" &
  PIDS+=($!); LIVE_PIDS=($!)
  LIVE_DB="jdbc:h2:file:$WORK/live/data/db/caravan;AUTO_SERVER=TRUE;WRITE_DELAY=0;QUERY_CACHE_SIZE=64"
  CARAVAN_DATA_DIR="$WORK/live/data" CARAVAN_HTTP_PORT=$LIVE_A CARAVAN_KAFKA_EMBEDDED_PORT=$LIVE_KAFKA CARAVAN_DB_URL="$LIVE_DB" \
    CARAVAN_GATEWAY_ID=live-a CARAVAN_EXTENSIONS_DIR="$WORK/live/ext-a" java -Xmx256m -jar app/target/caravan.jar > "$WORK/live/a.log" 2>&1 &
  PIDS+=($!); LIVE_PIDS+=($!)
  for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$LIVE_A/health" && break; sleep 0.25; done
  CARAVAN_DATA_DIR="$WORK/live/data" CARAVAN_HTTP_PORT=$LIVE_B CARAVAN_KAFKA_BOOTSTRAP=127.0.0.1:$LIVE_KAFKA CARAVAN_DB_URL="$LIVE_DB" \
    CARAVAN_GATEWAY_ID=live-b CARAVAN_EXTENSIONS_DIR="$WORK/live/ext-b" java -Xmx256m -jar app/target/caravan.jar > "$WORK/live/b.log" 2>&1 &
  PIDS+=($!); LIVE_PIDS+=($!)
  for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$LIVE_B/health" && break; sleep 0.25; done
  curl -sf -o /dev/null "http://127.0.0.1:$LIVE_B/health" || { echo "bench: the live gateways did not start, see $WORK/live/*.log" >&2; exit 1; }
  # the source: 720p, 25 fps, a keyframe every 2 s (segments are cut on keyframes only)
  ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=25:duration=$LIVE_SECONDS" \
    -f lavfi -i "sine=frequency=440:duration=$LIVE_SECONDS" -c:v libx264 -preset veryfast -g 50 -keyint_min 50 -sc_threshold 0 \
    -pix_fmt yuv420p -c:a aac -b:a 128k "$WORK/live/src.mp4"
  # a warm-up push: the first stream of a JVM runs code the JIT has not compiled yet
  ffmpeg -nostdin -loglevel error -re -t 6 -i "$WORK/live/src.mp4" -c copy -f hls -hls_time 2 -hls_list_size 6 \
    -method PUT -http_persistent 1 -headers "Authorization: Bearer $KEY"$'\r\n' "http://127.0.0.1:$LIVE_A/live/warm/index.m3u8"
  javac -d "$WORK/live/classes" bench/LiveLatency.java
  T0=$(( $(date +%s%3N) + 2000 ))
  java -cp "$WORK/live/classes" LiveLatency "$T0" $((LIVE_SECONDS + 6)) 32 \
    "caravan=http://127.0.0.1:$LIVE_A/live/bench/index.m3u8" "caravan-b=http://127.0.0.1:$LIVE_B/live/bench/index.m3u8" \
    "nginx-rtmp=http://127.0.0.1:$RTMP_HTTP/rtmp-hls/bench.m3u8" > "$WORK/live/latency.txt" &
  POLLER=$!
  sleep "$(awk -v t="$T0" -v n="$(date +%s%3N)" 'BEGIN { d = (t - n) / 1000; print (d > 0) ? d : 0 }')"
  ffmpeg -nostdin -loglevel error -re -i "$WORK/live/src.mp4" -c copy -f hls -hls_time 2 -hls_list_size 6 \
    -hls_flags delete_segments+program_date_time -method PUT -http_persistent 1 -headers "Authorization: Bearer $KEY"$'\r\n' \
    "http://127.0.0.1:$LIVE_A/live/bench/index.m3u8" > "$WORK/live/push-caravan.log" 2>&1 &
  PUSH_C=$!
  ffmpeg -nostdin -loglevel error -re -i "$WORK/live/src.mp4" -c copy -f flv "rtmp://127.0.0.1:$RTMP_PORT/live/bench" \
    > "$WORK/live/push-rtmp.log" 2>&1 &
  PUSH_R=$!
  wait "$PUSH_C" "$PUSH_R" || echo "bench: a live push failed, see $WORK/live/push-*.log" >&2
  wait "$POLLER" || echo "bench: the live poller failed" >&2
  while read -r name p50 p99 n gap; do
    if [ "$name" = players ]; then LIVE_PLAYERS="$p50 requests, $p99 errors, $n stalls, longest wait for a new segment $gap ms"; continue; fi
    LIVE_ROWS+=("$name|$p50|$p99|$n")
  done < "$WORK/live/latency.txt"
  cat "$WORK/live/latency.txt"
  kill "${LIVE_PIDS[@]}" 2>/dev/null || true  # the figures after this one run without them
else
  echo "bench: $RTMP_MODULE is missing (apt-get install -y libnginx-mod-rtmp): no live latency" >&2
fi

# metrics and read mode: two Caravans of their own, alike but for what is measured (each with its own catalogue,
# broker, disk nodes and an S3 node on the S3Proxy above): "on" has metrics on and reads S3 through itself (proxy,
# the default); "off" has metrics off and read-mode redirect. Alternating rounds, medians.
OPS_ROUNDS=${BENCH_OPS_ROUNDS:-7}
[ "$SMOKE" = 1 ] && OPS_ROUNDS=1
echo "bench: metrics on/off and S3 read modes, $OPS_ROUNDS rounds"
OPS_ON=17094; OPS_OFF=17095   # brokers on 17096 and 17098 (with their controllers on 17097 and 17099)
rm -rf "$WORK/ops" && mkdir -p "$WORK/ops"
ops_start() { # name http-port kafka-port metrics read-mode
  CARAVAN_DATA_DIR="$WORK/ops/$1" CARAVAN_HTTP_PORT=$2 CARAVAN_KAFKA_EMBEDDED_PORT=$3 CARAVAN_GATEWAY_ID="ops-$1" \
    CARAVAN_EXTENSIONS_DIR="$WORK/ops/$1-ext" CARAVAN_HLS_ENABLED=false CARAVAN_METRICS_ENABLED=$4 CARAVAN_HTTP_READ_MODE=$5 \
    java -Xmx256m -jar app/target/caravan.jar > "$WORK/ops/$1.log" 2>&1 &
  PIDS+=($!)
}
ops_start on $OPS_ON 17096 true proxy
ops_start off $OPS_OFF 17098 false redirect
for g in $OPS_ON $OPS_OFF; do
  for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$g/health" && break; sleep 0.25; done
  curl -sf -o /dev/null "http://127.0.0.1:$g/health" || { echo "bench: the ops gateways did not start, see $WORK/ops/*.log" >&2; exit 1; }
done
for g in $OPS_ON $OPS_OFF; do
  curl -sf -o /dev/null -X PUT "http://127.0.0.1:$S3_PORT/ops-$g"
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $KEY" "http://127.0.0.1:$g/admin/nodes" \
    -d "{\"name\":\"s3-a\",\"group\":\"s3\",\"kind\":\"s3\",\"endpoint\":\"http://127.0.0.1:$S3_PORT\",\"bucket\":\"ops-$g\",\"accessKey\":\"bench\",\"secretKey\":\"bench-secret\"}"
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$g/cluster" | grep -q '"name":"s3-a"[^}]*"state":"ACTIVE"' && break; sleep 0.25; done
done
ops_upload() { # gateway file group: prints the new id
  curl -sf -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/octet-stream' -H 'Expect:' \
    -T "$2" "http://127.0.0.1:$1/files?name=$(basename "$2")&group=$3" | sed -E 's/.*"id":"([^"]+)".*/\1/'
}
ON_SMALL=$(ops_upload $OPS_ON "$WORK/www/small.bin" g1); OFF_SMALL=$(ops_upload $OPS_OFF "$WORK/www/small.bin" g1)
ON_S3=$(ops_upload $OPS_ON "$WORK/www/big.bin" s3); OFF_S3=$(ops_upload $OPS_OFF "$WORK/www/big.bin" s3)
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$OPS_OFF/files/$OFF_S3")" = 307 ] \
  || { echo "bench: redirect mode does not redirect $OFF_S3, see $WORK/ops/off.log" >&2; exit 1; }
redirect_stream() { curl -sL -o /dev/null -w '%{speed_download}' "$1" | awk '{printf "%.0f", $1 / 1000000}'; }  # MB/s, with the 307 hop
# warm-up, interleaved so neither is measured while the other's JIT is still busy: a new Caravan's 64 KB GET rate
# climbs from ~1000 to ~7000 req/s over its first 60-80 s of load on this machine (30 s of it, as run before,
# left the two 1.5x apart); 8 x 10 s each, then they stay within ~5% of each other (both on: 1.05)
OPS_WARM=$([ "$SMOKE" = 1 ] && echo 1 || echo "${BENCH_OPS_WARM:-8}")
for _ in $(seq 1 "$OPS_WARM"); do
  wrk -t2 -c32 -d"$([ "$SMOKE" = 1 ] && echo 1 || echo 10)s" "http://127.0.0.1:$OPS_ON/files/$ON_SMALL" > /dev/null
  wrk -t2 -c32 -d"$([ "$SMOKE" = 1 ] && echo 1 || echo 10)s" "http://127.0.0.1:$OPS_OFF/files/$OFF_SMALL" > /dev/null
done
for round in $(seq 1 "$OPS_ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order="off on"; else order="on off"; fi
  for who in $order; do
    cat "$WORK/www/small.bin" "$WORK/www/big.bin" > /dev/null
    if [ "$who" = off ]; then A[metrics]+="$(wrk_rps "http://127.0.0.1:$OPS_OFF/files/$OFF_SMALL" 32) "
    else B[metrics]+="$(wrk_rps "http://127.0.0.1:$OPS_ON/files/$ON_SMALL" 32) "; fi
  done
  for who in $order; do
    if [ "$who" = off ]; then B[redirect]+="$(redirect_stream "http://127.0.0.1:$OPS_OFF/files/$OFF_S3") "
    else A[redirect]+="$(one_stream "http://127.0.0.1:$OPS_ON/files/$ON_S3") "; fi
  done
done
FIGURES+=("metrics|GET 64 KB with metrics on, against the same with metrics off, wrk -c32 (req/s)|Caravan, metrics off|0.95"
          "redirect|GET ${BIG_MB} MiB from an S3 node, redirect read mode (curl -L) against proxy mode (MB/s)|Caravan, proxy mode|")

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{v[NR] = $1} END {if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$RESULTS/$STAMP.md"
{
  echo "# Caravan vs references, $STAMP"
  echo
  echo "Machine: $(nproc) cores, $(java -version 2>&1 | head -1). Rounds: $ROUNDS x ${SECONDS_PER_RUN}s, alternating; medians. The upload path was warmed with ${UPLOAD_WARM}s of uploads first."
  echo
  echo "| figure | reference | reference value | Caravan | ratio | target |"
  echo "|---|---|---|---|---|---|"
} > "$OUT"
ROWS=()
for f in "${FIGURES[@]}"; do
  IFS='|' read -r key title ref target <<< "$f"
  n=$(echo "${A[$key]}" | median)
  c=$(echo "${B[$key]}" | median)
  ratio=$(awk -v n="$n" -v c="$c" 'BEGIN { if (n > 0) printf "%.2f", c / n; else print "n/a" }')
  if [ -z "$target" ]; then met="reported"
  else met=">= $target ($(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r + 0 >= t + 0) ? "met" : "NOT met" }'))"; fi
  echo "| $title | $ref | $n | $c | $ratio | $met |" >> "$OUT"
  ROWS+=("$title|$ratio|$target")
done
LAG_MET=$(awk -v p="$LAG_P99" -v n="$LAG_N" 'BEGIN { print (n > 0 && p < 500) ? "met" : "NOT met" }')
MEM_MET=$([ "$MEM_OK" = yes ] && echo met || echo "NOT met")
{
  echo
  echo "| figure | value | target |"
  echo "|---|---|---|"
  echo "| replication lag under the upload load | p50 $LAG_P50 ms, p99 $LAG_P99 ms ($LAG_N copies; of which the outbox relay p50 $RELAY_P50 ms, p99 $RELAY_P99 ms) | p99 < 500 ms ($LAG_MET) |"
  echo "| HLS of the 10 s sample clip (renditions source), from the upload's 201 to READY in /files/{id}/info | p50 $HLS_P50 ms, p95 $HLS_P95 ms ($POSTER_GOT uploads, with the poster recipe on) | p50 <= 2000 ms ($(awk -v p="$HLS_P50" 'BEGIN { print (p != "n/a" && p + 0 <= 2000) ? "met" : "NOT met" }')) |"
  echo "| first byte of an HLS segment (byte range), sequential GETs | p95 Caravan $FB_CARAVAN ms, nginx $FB_NGINX ms | reported |"
  echo "| storage of HLS (source) packaging | $HLS_OVERHEAD% of the original ($HLS_BYTES bytes for a $(stat -c %s "$WORK/hls-src.mp4")-byte clip; media copied, plus an audio-only rendition) | reported |"
  echo "| poster of the 10 s sample clip (recipe video-poster), from the upload's 201 to listed in /files/{id}/info | p50 $POSTER_P50 ms, p95 $POSTER_P95 ms, max $POSTER_MAX ms ($POSTER_GOT uploads, one at a time) | reported |"
  echo "| streaming ${MEM_MB} MiB from a disk node and an S3 node, -Xmx256m | heap used at most $HEAP_MAX MiB; RSS $RSS_BEFORE MiB before, $RSS_MAX MiB at most, $RSS_AFTER MiB after; both downloads complete: $MEM_OK | flat, no OOM ($MEM_MET) |"
  for r in "${LIVE_ROWS[@]}"; do
    IFS='|' read -r name p50 p99 n <<< "$r"
    echo "| live: a 2 s segment, from its media start at the encoder to first listed by $name | p50 $p50 ms, p99 $p99 ms ($n segments) | reported |"
  done
  if [ ${#LIVE_ROWS[@]} -ge 3 ]; then
    read -r _ CA _ _ <<< "$(grep '^caravan ' "$WORK/live/latency.txt")"
    read -r _ CB _ _ <<< "$(grep '^caravan-b ' "$WORK/live/latency.txt")"
    read -r _ NR _ _ <<< "$(grep '^nginx-rtmp ' "$WORK/live/latency.txt")"
    echo "| live: ingest gateway p50 against nginx-rtmp p50 | $CA ms vs $NR ms | <= nginx-rtmp + 500 ms ($(awk -v c="$CA" -v n="$NR" 'BEGIN { print (c != "n/a" && n != "n/a" && c + 0 <= n + 500) ? "met" : "NOT met" }')) |"
    echo "| live: second gateway p50 against the ingest gateway p50 | $CB ms vs $CA ms | within 300 ms ($(awk -v b="$CB" -v c="$CA" 'BEGIN { d = b - c; if (d < 0) d = -d; print (b != "n/a" && c != "n/a" && d <= 300) ? "met" : "NOT met" }')) |"
    echo "| live: 32 players on the ingest gateway during the push | $LIVE_PLAYERS | 0 errors, 0 stalls |"
  fi
} >> "$OUT"

SVG="$RESULTS/$STAMP.svg"
{
  echo '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="'$((60 + 50 * ${#ROWS[@]}))'" font-family="sans-serif" font-size="13">'
  echo '<text x="10" y="22" font-size="16">Caravan / reference (same run, medians); the dashed line is the target</text>'
  i=0
  for r in "${ROWS[@]}"; do
    IFS='|' read -r title ratio target <<< "$r"
    y=$((45 + 50 * i))
    w=$(awk -v r="$ratio" 'BEGIN { w = r * 250; if (w > 480) w = 480; if (w < 1) w = 1; printf "%d", w }')
    color=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (t == "") ? "#36c" : (r + 0 >= t + 0) ? "#3a3" : "#c33" }')
    echo "<text x=\"10\" y=\"$((y + 16))\">$title</text>"
    echo "<rect x=\"300\" y=\"$((y + 22))\" width=\"$w\" height=\"16\" fill=\"$color\"/>"
    echo "<text x=\"$((305 + w))\" y=\"$((y + 35))\">$ratio</text>"
    if [ -n "$target" ]; then
      tx=$(awk -v t="$target" 'BEGIN { printf "%d", 300 + t * 250 }')
      echo "<line x1=\"$tx\" y1=\"$((y + 18))\" x2=\"$tx\" y2=\"$((y + 42))\" stroke=\"#000\" stroke-dasharray=\"3,2\"/>"
    fi
    i=$((i + 1))
  done
  echo '</svg>'
} > "$SVG"
cp "$OUT" "$RESULTS/latest.md"
cp "$SVG" "$RESULTS/latest.svg"
cat "$OUT"
echo
echo "bench: wrote $OUT and $SVG"
