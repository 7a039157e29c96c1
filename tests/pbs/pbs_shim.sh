#!/usr/bin/env bash
# Runs a PBS batch script the way a PBS server would start it on one node,
# without a server (Debian packages none): sets PBS_JOBID, PBS_NODEFILE (one
# line per MPI process of the script's select line), NCPUS, PBS_O_WORKDIR and
# puts a `qsub` on PATH that starts the resubmitted script through this shim
# again, in the background, as the server would queue it.
#
#   pbs_shim.sh SCRIPT STATE_DIR [VAR=VALUE,...] [JOB_ID]
#
# Each job N writes its output to STATE_DIR/job-N.out and its exit status to
# STATE_DIR/job-N.status; STATE_DIR/qsub.log lists the submissions.
set -uo pipefail
script=$1 state=$2 vars=${3:-} id=${4:-}
mkdir -p "$state"

# Job ids are taken when a job is queued (qsub below), so that the newest
# id always names the last job of the chain.
id_file=$state/next-id
if [ -z "$id" ]; then
  id=$(cat "$id_file" 2>/dev/null || echo 1)
  echo $((id + 1)) > "$id_file"
fi

select=$(sed -n 's/^#PBS -l select=\(.*\)/\1/p' "$script")
chunks=${select%%:*}
mpiprocs=$(sed -n 's/.*mpiprocs=\([0-9]*\).*/\1/p' <<<"$select")
ncpus=$(sed -n 's/.*ncpus=\([0-9]*\).*/\1/p' <<<"$select")

export PBS_JOBID=$id.shim PBS_O_WORKDIR=$PWD NCPUS=$ncpus
export PBS_NODEFILE=$state/nodefile-$id
: > "$PBS_NODEFILE"
for _ in $(seq $((chunks * mpiprocs))); do echo localhost >> "$PBS_NODEFILE"; done
IFS=',' read -ra assignments <<<"$vars"
for a in "${assignments[@]}"; do [ -n "$a" ] && export "${a?}"; done

# qsub -v VARS SCRIPT: queue the script through this shim, print its id.
mkdir -p "$state/bin"
cat > "$state/bin/qsub" <<QSUB
#!/usr/bin/env bash
vars=
[ "\$1" = -v ] && { vars=\$2; shift 2; }
echo "qsub -v \$vars \$1" >> "$state/qsub.log"
next=\$(cat "$state/next-id")
echo \$((next + 1)) > "$state/next-id"
setsid bash "$0" "\$1" "$state" "\$vars" "\$next" > /dev/null 2>&1 < /dev/null &
echo "\$next.shim"
QSUB
chmod +x "$state/bin/qsub"
export PATH=$state/bin:$PATH

bash "$script" > "$state/job-$id.out" 2>&1
status=$?
echo $status > "$state/job-$id.status"
exit $status
