# Shared settings of deploy/testbed/stack-{up,down} and status. Sourced after lib.sh, not run.
TB_REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
TB_STACK="$TB_DIR/stack"
TB_KAFKA_PORT=9092
TB_DATABASE=runlens
# What every role gets: Kafka on the hub bridge, ClickHouse on the hub's loopback, one cluster name.
TB_ROLE_ENV=(
  RUNLENS_KAFKA_BROKERS="$TB_CTL_ADDR:$TB_KAFKA_PORT" RUNLENS_CLICKHOUSE_URL=http://127.0.0.1:8123
  RUNLENS_CLICKHOUSE_DATABASE="$TB_DATABASE" RUNLENS_CLUSTER="${TB_PREFIX}testbed" RUNLENS_LOG_LEVEL=info
)

tb_hub() { nsenter --net="$(tb_ns_path "$TB_HUB")" "$@"; }

# tb_start_role NAME NETNS ROLE [VAR=VALUE…]: `runlens ROLE` in that network namespace, in the
# background, its own session (so stack-down can stop it and its children by process group).
tb_start_role() {
  local name=$1 ns=$2 role=$3; shift 3
  nohup setsid nsenter --net="$(tb_ns_path "$ns")" env "${TB_ROLE_ENV[@]}" "$@" "$TB_REPO/bin/runlens" "$role" \
    >"$TB_STACK/log/$name.log" 2>&1 </dev/null &
  echo $! >"$TB_STACK/pids/$name.pid"
}

# tb_forward NAME HOST_PORT HUB_PORT: 127.0.0.1:HOST_PORT here → 127.0.0.1:HUB_PORT in the hub,
# through a unix socket (socket files are not bound to a network namespace).
tb_forward() {
  local name=$1 port=$2 hub_port=$3 sock="$TB_STACK/$1.sock"
  nohup setsid nsenter --net="$(tb_ns_path "$TB_HUB")" socat "UNIX-LISTEN:$sock,fork,mode=600" "TCP:127.0.0.1:$hub_port" \
    >>"$TB_STACK/log/forward.log" 2>&1 </dev/null &
  echo $! >"$TB_STACK/pids/fwd-hub-$name.pid"
  nohup setsid socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "UNIX-CONNECT:$sock" >>"$TB_STACK/log/forward.log" 2>&1 </dev/null &
  echo $! >"$TB_STACK/pids/fwd-host-$name.pid"
}

# Waits until a role's JSON log has a line with this message.
tb_wait_log() {
  local name=$1 msg=$2
  for _ in $(seq "${3:-600}"); do
    grep -q "\"msg\":\"$msg\"" "$TB_STACK/log/$name.log" 2>/dev/null && return 0
    kill -0 "$(cat "$TB_STACK/pids/$name.pid")" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

tb_alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stops one recorded process group: TERM, up to `wait` tenths of a second, then KILL.
tb_stop_pidfile() {
  local f=$1 wait=${2:-100} pid
  [[ -s $f ]] || { rm -f "$f"; return 0; }
  pid=$(cat "$f")
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq "$wait"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$f"
}
