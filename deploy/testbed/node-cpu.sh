# Unequal nodes for deploy/testbed/up: a CPU quota (a slow node) and a CPU count (a small node)
# per node. Sourced by `up` after lib.sh, not run.
#
# Each list is comma-separated, one value per node in order; a single value applies to every
# node, and `-` leaves that node as it is.
#   --cpu-quota / RUNLENS_TESTBED_CPU_QUOTA: CPU time in cores (0.5 = half a core). slurmd is
#     started inside cgroup v1 `cpu/slurm_<node>` with that CFS quota; Slurm 22.05 on cgroup v1
#     constrains only cpuset, memory and freezer, so its job steps and tasks stay in the cpu
#     cgroup they inherit from slurmd, and the whole node runs under the quota.
#   --cpus / RUNLENS_TESTBED_CPUS: the node's CPUs as Slurm sees them (slurm.conf CPUs=);
#     default: this machine's. Combine with a quota of the same count for a node that is small
#     in what Slurm allocates and in the CPU time it gets.
TB_CPU_QUOTA=${RUNLENS_TESTBED_CPU_QUOTA:-}
TB_CPUS=${RUNLENS_TESTBED_CPUS:-}
# A testbed node is meant to have its CPU time, not a share of a busy build machine: with a
# quota, the node's cpu cgroup weighs this many plain processes (cpu.shares / 1024), so other
# load on the machine slows it less than its quota does.
TB_CPU_SHARES=16384

# Takes `--cpu-quota LIST` / `--cpus LIST` from the arguments after N.
tb_parse_node_options() {
  while [[ $# -gt 0 ]]; do
    case $1 in
      --cpu-quota) TB_CPU_QUOTA=${2:?--cpu-quota needs a list}; shift 2 ;;
      --cpus) TB_CPUS=${2:?--cpus needs a list}; shift 2 ;;
      *) tb_log "unknown option $1 (usage: up N [--cpu-quota Q[,Q…]] [--cpus C[,C…]])"; exit 2 ;;
    esac
  done
  local v
  for v in ${TB_CPU_QUOTA//,/ }; do [[ $v == - || $v =~ ^[0-9]*\.?[0-9]+$ ]] || { tb_log "bad CPU quota '$v'"; exit 2; }; done
  for v in ${TB_CPUS//,/ }; do [[ $v == - || $v =~ ^[1-9][0-9]*$ ]] || { tb_log "bad CPU count '$v'"; exit 2; }; done
}

# Value i (1-based) of a comma list; a one-value list applies to all; '' for none or '-'.
tb_list_at() {
  local list=$1 i=$2 v
  [[ -z $list ]] && return 0
  IFS=, read -ra vals <<<"$list"
  if [[ ${#vals[@]} == 1 ]]; then v=${vals[0]}; else v=${vals[$((i - 1))]:-}; fi
  [[ $v == - ]] || echo "$v"
}

tb_node_cpus() { local c; c=$(tb_list_at "$TB_CPUS" "$1"); echo "${c:-$(nproc)}"; }

# Makes cpu/slurm_<node> with its quota and moves the calling shell into it; nothing without a quota.
tb_enter_node_cpu_cgroup() {
  local i=$1 quota cg period=100000
  quota=$(tb_list_at "$TB_CPU_QUOTA" "$i")
  [[ -z $quota ]] && return 0
  cg="$CGROOT/cpu/slurm_$(tb_node "$i")"
  mkdir -p "$cg"
  echo "$period" >"$cg/cpu.cfs_period_us"
  awk -v q="$quota" -v p="$period" 'BEGIN { printf "%d\n", q * p }' >"$cg/cpu.cfs_quota_us"
  echo "$TB_CPU_SHARES" >"$cg/cpu.shares"
  echo "$BASHPID" >"$cg/cgroup.procs"
  tb_log "$(tb_node "$i"): CPU quota $quota cores ($cg)"
}
