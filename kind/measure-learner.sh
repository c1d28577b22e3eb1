#!/usr/bin/env bash
# Measures what one learner's chapter takes on a kind cluster made by `labs cluster up`, for docs/kube.md: the
# requests the scheduler reserves (CPU, memory, pods) and what the pods really use (metrics-server), with the
# largest chapter (traffic-shifting: Bookinfo) in classroom mode. Prints a Markdown table. Used by
# .github/workflows/kind-e2e.yml; needs kubectl, jq and metrics-server (the workflow installs it).
set -euo pipefail
context=${CONTEXT:-kind-labs}
k() { kubectl --context "$context" "$@"; }

# One learner's chapter, kept alive while we look: labs shell in classroom mode, waiting on stdin.
fifo=$(mktemp -u) && mkfifo "$fifo"
LABS_KIND_CLASSROOM=1 npx labs shell --backend kind --lab traffic-shifting < "$fifo" > /tmp/measure-shell.log 2>&1 &
shell_pid=$!
exec 3> "$fifo"
cleanup() { echo "exit" >&3 || true; exec 3>&- || true; wait "$shell_pid" || true; rm -f "$fifo"; }
trap cleanup EXIT

ns=""
for _ in $(seq 1 120); do
  ns=$(k get ns -l labs.istio-traffic-labs/learner-namespace=true -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)
  [ -n "$ns" ] && [ "$(k -n "$ns" get deploy -o name 2>/dev/null | wc -l)" -ge 6 ] && break
  sleep 5
done
[ -n "$ns" ] || { echo "no learner namespace appeared" >&2; exit 1; }
k -n "$ns" wait --for=condition=Ready pod --all --timeout=600s >/dev/null
toolbox=$(k -n labs-toolbox get pods -l app=labs-toolbox -o jsonpath='{.items[0].metadata.name}')

# Requests, as the scheduler counts them: containers and native sidecars (init containers that keep running);
# ordinary init containers run before and do not add.
requests() {
  jq -r '[.items[] | (.spec.containers[], ((.spec.initContainers // [])[] | select(.restartPolicy == "Always"))) | .resources.requests // {}] |
    { cpu: (map(.cpu // "0" | if endswith("m") then (.[:-1] | tonumber) else (tonumber * 1000) end) | add),
      mem: (map(.memory // "0" | if endswith("Mi") then (.[:-2] | tonumber) elif endswith("Gi") then (.[:-2] | tonumber * 1024) else 0 end) | add) } |
    "\(.cpu)m \(.mem)Mi"'
}
ns_requests=$(k -n "$ns" get pods -o json | requests)
toolbox_requests=$(k -n labs-toolbox get pod "$toolbox" -o json | jq '{items: [.]}' | requests)
pods=$(k -n "$ns" get pods --no-headers | wc -l)

# Usage: metrics-server samples every 15 s; wait until it reports the namespace, then read twice, a minute apart.
for _ in $(seq 1 40); do k top pods -n "$ns" --no-headers >/dev/null 2>&1 && break; sleep 6; done
sleep 60
usage() {
  k top pods "$@" --no-headers | awk '{ c += $2 + 0; m += $3 + 0 } END { printf "%dm %dMi", c, m }'
}
ns_usage=$(usage -n "$ns")
toolbox_usage=$(k top pod "$toolbox" -n labs-toolbox --no-headers | awk '{ printf "%dm %dMi", $2 + 0, $3 + 0 }')

cat <<TABLE
| one learner, traffic-shifting (Bookinfo), classroom mode | pods | requests (CPU, memory) | used (CPU, memory) |
|---|---|---|---|
| learner namespace \`$ns\` (apps + sidecars + own gateway) | $pods | $ns_requests | $ns_usage |
| toolbox pod (labs-toolbox) | 1 | $toolbox_requests | $toolbox_usage |
TABLE
