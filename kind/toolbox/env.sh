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

# Every environment has its own ingress gateway, `istio-ingressgateway` in the environment's namespace (in a class
# the learner's; for one learner, default). The lessons look it up in istio-system (`kubectl get svc
# istio-ingressgateway -n istio-system`, `-l istio=ingressgateway -n istio-system`): those lookups go to it.
# In a class the lab files' `default` means the learner's namespace (`-n default`, `--namespace=default`,
# `namespace default`, `namespace/default`). Arguments after `--` belong to the command run in a pod: left alone.
__labs_namespace() {
  case "$1" in
    default) [ "${LABS_CLASSROOM:-}" = "1" ] && { printf '%s' "$LABS_NAMESPACE"; return; } ;;
    istio-system) [ -n "$__labs_gateway" ] && { printf '%s' "$LABS_NAMESPACE"; return; } ;;
  esac
  printf '%s' "$1"
}

if [ -n "${LABS_NAMESPACE:-}" ]; then
  kubectl() {
    local args=() prev="" a passthrough="" __labs_gateway=""
    for a in "$@"; do
      [ "$a" = "--" ] && break
      case "$a" in *ingressgateway*) __labs_gateway=1 ;; esac
    done
    for a in "$@"; do
      if [ -z "$passthrough" ]; then
        case "$prev:$a" in
          -n:*|--namespace:*) a=$(__labs_namespace "$a") ;;
          namespace:default|namespaces:default|ns:default) a=$(__labs_namespace "$a") ;;
          *:--namespace=*) a=--namespace=$(__labs_namespace "${a#--namespace=}") ;;
          *:-n?*) a=-n$(__labs_namespace "${a#-n}") ;;
          *:namespace/default|*:namespaces/default|*:ns/default) a=${a%%/*}/$(__labs_namespace default) ;;
          *:--) passthrough=1 ;;
        esac
      fi
      args+=("$a")
      prev=$a
    done
    command kubectl "${args[@]}"
  }
fi

# In a class the mesh (istiod and its settings) is shared by everyone: istioctl install would change it for all.
if [ "${LABS_CLASSROOM:-}" = "1" ]; then
  istioctl() {
    case "$1" in
      install | upgrade | uninstall)
        cat >&2 <<EOF
istioctl $1: not in a class: the mesh (istiod and its settings) is shared by every learner of the class.
  A mesh-wide setting of the lessons applies to your namespace with a Sidecar resource instead; REGISTRY_ONLY:
    kubectl apply -f ~/samples/egress/registry-only-sidecar.yaml      (back to ALLOW_ANY: kubectl delete sidecar default)
istioctl $1: 강의실에서는 쓸 수 없습니다. 메시(istiod와 그 설정)는 강의실의 모든 수강생이 함께 씁니다.
  레슨이 메시 전체에 거는 설정은 내 네임스페이스의 Sidecar 리소스로 겁니다. REGISTRY_ONLY는 위 명령으로 적용합니다.
EOF
        return 1
        ;;
    esac
    command istioctl "$@"
  }
fi
