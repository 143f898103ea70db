# Shared settings of deploy/testbed/{up,down,status,client}. Sourced, not run.
# Everything the testbed makes is named here, so `down` removes exactly that and nothing else.
set -euo pipefail

TB_DIR=${RUNLENS_TESTBED_DIR:-/tmp/runlens-testbed}
TB_NET=${RUNLENS_TESTBED_NET:-10.213.0}          # a /24 used only inside the testbed's namespaces
TB_PREFIX=${RUNLENS_TESTBED_PREFIX:-rl}           # netns, bridge and node-name prefix
TB_HUB="${TB_PREFIX}-hub"                          # netns holding the bridge and slurmctld
TB_BRIDGE="${TB_PREFIX}br0"
TB_CTL_NAME="${TB_PREFIX}ctl"
TB_CTL_ADDR="${TB_NET}.1"
TB_CONF="$TB_DIR/etc/slurm.conf"
TB_MUNGE_SOCKET="$TB_DIR/munge/munge.socket"
CGROOT=/sys/fs/cgroup

tb_node() { echo "${TB_PREFIX}node$1"; }          # node i's name (hostname, NodeName, netns)
tb_addr() { echo "${TB_NET}.$((10 + $1))"; }
tb_ns_path() { echo "/var/run/netns/$1"; }
tb_agent_socket() { echo "$TB_DIR/agents/$(tb_node "$1").sock"; }  # node i's agent (RUNLENS_AGENT_SOCKET)
tb_log() { echo "testbed: $*" >&2; }

# Nodes that exist now, from the state file `up` writes.
tb_count() { cat "$TB_DIR/nodes" 2>/dev/null || echo 0; }

# Runs a command in the hub namespace (where slurmctld listens) with SLURM_CONF set.
tb_client() { SLURM_CONF="$TB_CONF" nsenter --net="$(tb_ns_path "$TB_HUB")" "$@"; }

# Waits until a TCP port answers inside a netns (no ping here: bash's /dev/tcp).
tb_wait_port() {
  local ns=$1 addr=$2 port=$3 tries=${4:-100}
  for _ in $(seq "$tries"); do
    if nsenter --net="$(tb_ns_path "$ns")" bash -c "exec 3<>/dev/tcp/$addr/$port" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}
