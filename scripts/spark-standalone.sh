#!/usr/bin/env bash
# spark-standalone.sh: a real Spark standalone cluster on 127.0.0.1 from nn4j's own Spark jars (the
# distributed module's target/spark-lib; no Spark download): one Master and N Workers, each a JVM of
# its own, as on a cluster.
#
#   scripts/spark-standalone.sh start [--workers 2] [--cores 1] [--memory 1g] [--port 7077] [--dir DIR]
#   scripts/spark-standalone.sh stop [--dir DIR]
#
# start prints the master URL (spark://127.0.0.1:PORT) on its last line; logs and PID files go to DIR
# (default: target/spark-standalone under the repository root). Train on it with
#   ./nn train --spark spark://127.0.0.1:7077
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="$root/distributed/target/spark-lib"

command="${1:-}"
[[ $# -gt 0 ]] && shift
workers=2 cores=1 memory=1g port=7077 dir="$root/target/spark-standalone"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --cores) cores="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    *) echo "spark-standalone.sh: unknown option '$1' (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done

stop() {
  for pidfile in "$dir"/*.pid; do
    [[ -f "$pidfile" ]] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

case "$command" in
  start)
    if ! ls "$lib"/spark-core_2.13-*.jar >/dev/null 2>&1; then
      echo "spark-standalone.sh: no Spark jars in $lib; build them with 'mvn -B -ntp -pl distributed -am package -DskipTests'" >&2
      exit 2
    fi
    stop
    mkdir -p "$dir/home/jars"
    # The Spark home that Workers start executors from: Spark's jars, without nn4j's (which the
    # application ships, so that one class loader sees all of nn4j).
    rm -f "$dir/home/jars/"*.jar
    for jar in "$lib"/*.jar; do
      [[ "$(basename "$jar")" == nn4j-* ]] || ln -s "$jar" "$dir/home/jars/"
    done
    export SPARK_HOME="$dir/home" SPARK_SCALA_VERSION=2.13
    java -cp "$dir/home/jars/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
      --webui-port 0 >"$dir/master.log" 2>&1 &
    echo $! >"$dir/master.pid"
    for _ in $(seq 1 60); do
      grep -q "I have been elected leader" "$dir/master.log" 2>/dev/null && break
      sleep 0.5
    done
    if ! grep -q "I have been elected leader" "$dir/master.log"; then
      echo "spark-standalone.sh: the Master did not start; see $dir/master.log" >&2
      stop
      exit 1
    fi
    for i in $(seq 1 "$workers"); do
      mkdir -p "$dir/work-$i"
      java -cp "$dir/home/jars/*" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$port" --host 127.0.0.1 \
        --cores "$cores" --memory "$memory" --webui-port 0 --work-dir "$dir/work-$i" >"$dir/worker-$i.log" 2>&1 &
      echo $! >"$dir/worker-$i.pid"
    done
    for _ in $(seq 1 60); do
      [[ "$(grep -c "Registering worker" "$dir/master.log" || true)" -ge "$workers" ]] && break
      sleep 0.5
    done
    if [[ "$(grep -c "Registering worker" "$dir/master.log" || true)" -lt "$workers" ]]; then
      echo "spark-standalone.sh: not every Worker registered; see $dir/worker-*.log" >&2
      stop
      exit 1
    fi
    echo "spark://127.0.0.1:$port"
    ;;
  stop)
    stop
    ;;
  *)
    echo "usage: spark-standalone.sh start|stop [options] (see the comment at the top of $0)" >&2
    exit 2
    ;;
esac
