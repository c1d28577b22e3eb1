# Environment of every shell in a learner's toolbox pod (sourced by interactive shells through
# labsrc.sh, and by scripts through BASH_ENV). Installed by the kind backend as ConfigMap labs-shell.
shopt -s expand_aliases

# The lessons pipe JSON through `python -m json.tool`; the toolbox image has jq, and may lack Python.
if ! command -v python3 >/dev/null 2>&1; then
  python3() {
    if [ "$1" = "-m" ] && [ "$2" = "json.tool" ]; then
      shift 2
      jq --indent 4 . "$@"
    else
      echo "python3: only 'python3 -m json.tool' is available in the lab toolbox" >&2
      return 127
    fi
  }
fi
if ! command -v python >/dev/null 2>&1; then
  python() { python3 "$@"; }
fi

# In a class each learner's chapter has its own namespace, and the lab files say `default`: there,
# `default` means the learner's namespace (`-n default`, `--namespace=default`, `namespace default`,
# `namespace/default`). Arguments after `--` belong to the command run in a pod and are left alone.
if [ "${LABS_CLASSROOM:-}" = "1" ] && [ -n "${LABS_NAMESPACE:-}" ]; then
  kubectl() {
    local args=() prev="" a passthrough=""
    for a in "$@"; do
      if [ -z "$passthrough" ]; then
        case "$prev:$a" in
          -n:default|--namespace:default|namespace:default|namespaces:default|ns:default) a=$LABS_NAMESPACE ;;
          *:--namespace=default) a=--namespace=$LABS_NAMESPACE ;;
          *:-ndefault) a=-n$LABS_NAMESPACE ;;
          *:namespace/default|*:namespaces/default|*:ns/default) a=${a%%/*}/$LABS_NAMESPACE ;;
          *:--) passthrough=1 ;;
        esac
      fi
      args+=("$a")
      prev=$a
    done
    command kubectl "${args[@]}"
  }
fi
