/** The help text of every `labs` command, as data. */

/** Command name -> help text. */
export const HELP: Record<string, string> = {
  labs: `labs: Istio Traffic Labs from the command line

Usage: labs <command> [flags]

Commands:
  serve     serve the site, the lab API and the terminals on one port
  shell     run a chapter's lab shell in this terminal (or a script from stdin)
  verify    run every step's check and solution against a backend
  cluster   create, delete or inspect the kind cluster (kind backend), or check any cluster
  class     clean up a class's learner namespaces on its cluster (kind and kube backends)

Run "labs <command> --help" for a command's flags.
`,
  serve: `Usage: labs serve [--backend sim|kind|kube] [--context NAME] [--port N] [--host H]
                  [--build-if-missing] [--classroom] [--data DIR]

Serves the built site (dist/), the JSON API and the terminal WebSockets on one port,
and prints the URL.

Flags:
  --backend sim|kind|kube  lab backend (default: sim, the embedded simulator; kind: the
                        cluster of "labs cluster up"; kube: any cluster, docs/kube.md)
  --context NAME        kubeconfig context (kind: default kind-labs; kube: default the
                        current context)
  --port N              port (default: $PORT or 4321)
  --host H              address to bind (default: $HOST or 127.0.0.1)
  --build-if-missing    run "astro build" first when dist/ is absent
  --classroom           classroom mode: instructor URL, join codes, dashboard; on kind and
                        kube every learner gets a namespace, an ingress gateway and a
                        toolbox of their own, and joins stop when the cluster is full
                        (LABS_MAX_LEARNERS caps it lower)
  --data DIR            classroom data directory (default: .labs-data)
  -h, --help            show this help
`,
  shell: `Usage: labs shell --lab <id> [--backend sim|kind|kube] [--context NAME]

Runs the lab shell of a fresh environment of a chapter, at the chapter's starting state.
In a terminal: an interactive shell (Ctrl-C passes through; leave with "exit" or Ctrl-D twice).
With stdin from a pipe or file: runs the script exactly as if typed line by line, prints what
the terminal would show, and exits with the last command's status.

Flags:
  --lab <id>            a chapter: the name of a content/labs/<id>.yaml file
  --backend sim|kind|kube  lab backend (default: sim)
  --context NAME        kubeconfig context (kind and kube)
  -h, --help            show this help

Example:
  labs shell --lab traffic-shifting <<< 'kubectl get pods'
`,
  verify: `Usage: labs verify (--lab <id> | --all) [--backend sim|kind|kube] [--context NAME]
                   [--lang en|ko] [--api istio|gateway]

For each step in order: runs its check and expects it to FAIL (unless the step only
observes an earlier result), runs the step's solution, runs the check again and expects
it to PASS. Prints one line per step and a summary; exits non-zero on any failure.
Labs still planned are reported as skipped.

Flags:
  --lab <id>            the chapter to verify
  --all                 every chapter
  --backend sim|kind|kube  lab backend (default: sim)
  --context NAME        kubeconfig context (kind and kube)
  --lang en|ko          language of the explanations (default: from $LANG, else en)
  --api istio|gateway   the API the steps are done in: Istio's (default) or the Kubernetes
                        Gateway API (chapters without a Gateway API variant are skipped)
  -h, --help            show this help
`,
  cluster: `Usage: labs cluster up|down|status [--name NAME]
       labs cluster status --context NAME

Creates (up), deletes (down) or describes (status) the kind cluster with Istio that the
kind backend uses (needs docker, kind, kubectl and istioctl). With --context, status checks
any cluster through its API: Istio and its settings, node ports, the lab server's
permissions, room for learners (docs/kube.md).
`,
  class: `Usage: labs class cleanup [--context NAME] [--dry-run] [--all]

At the end of a class, deletes every learner namespace (workloads, gateway, quota, RBAC),
every toolbox pod and the bindings made for them, and waits until the namespaces are gone.
Only objects the labs labelled are touched. Stop "labs serve" first: its learners lose
their environments.

Flags:
  --context NAME        kubeconfig context (default: kind-labs)
  --dry-run             list what would be deleted, delete nothing
  --all                 also the shared objects (namespace labs-toolbox, the Node reader)
  -h, --help            show this help
`,
};
