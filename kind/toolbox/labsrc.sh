# The rc file of a learner's interactive shell in the toolbox pod (bash --rcfile labsrc.sh -i).
# After each command it reports the command line (from bash's own history, so multi-line commands and
# edited lines come out as bash ran them) and its exit status as two OSC escape sequences, which the
# lab server reads and removes from the output:
#   ESC ] 633 ; E ; <base64 of the command line> BEL     ESC ] 133 ; D ; <exit status> BEL
. ${LABS_ETC:-/etc/labs}/env.sh

# Said once when a terminal opens: where this learner's chapter lives and what differs from the lessons' cluster.
if [ "${LABS_CLASSROOM:-}" = "1" ]; then
  printf '\033[2m%s\n%s\n%s\n%s\033[0m\n' \
    "[class cluster] Your namespace is $LABS_NAMESPACE: the lessons' \"default\" means it. Your own ingress gateway" \
    "(istio-ingressgateway) is in it; the lessons' istio-system lookups find it. Mesh-wide settings are per namespace (a Sidecar)." \
    "[강의실 클러스터] 내 네임스페이스는 $LABS_NAMESPACE입니다. 레슨의 \"default\"는 이 네임스페이스를 뜻합니다." \
    "내 ingress gateway(istio-ingressgateway)도 여기 있고, 레슨에서 istio-system으로 찾는 명령도 이것을 가리킵니다. 메시 전체에 거는 설정은 네임스페이스마다 Sidecar 리소스로 겁니다."
elif [ -n "${LABS_NAMESPACE:-}" ]; then
  printf '\033[2m%s\n%s\033[0m\n' \
    "[cluster] This chapter's own ingress gateway (istio-ingressgateway) is in namespace $LABS_NAMESPACE; the lessons' istio-system lookups find it." \
    "[클러스터] 이 챕터의 ingress gateway(istio-ingressgateway)는 $LABS_NAMESPACE 네임스페이스에 있고, 레슨에서 istio-system으로 찾는 명령도 이것을 가리킵니다."
fi

PS1='\w \$ '
PS2='> '
unset HISTFILE
HISTCONTROL=
HISTSIZE=5000
shopt -s cmdhist lithist
# `!` in a pasted command means a literal `!`, as in the simulator's shell.
set +H

__labs_history_number() {
  HISTTIMEFORMAT= builtin history 1 | sed -n '1s/^ *\([0-9][0-9]*\).*/\1/p'
}
__labs_last=$(__labs_history_number)

__labs_report() {
  local status=$? n line
  n=$(__labs_history_number)
  # An empty line adds nothing to history: nothing ran, nothing to report.
  if [ -n "$n" ] && [ "$n" != "$__labs_last" ]; then
    __labs_last=$n
    line=$(HISTTIMEFORMAT= builtin history 1 | sed '1s/^ *[0-9][0-9]* *//')
    printf '\033]633;E;%s\007\033]133;D;%s\007' "$(printf '%s' "$line" | base64 | tr -d '\n')" "$status"
  fi
  return $status
}
PROMPT_COMMAND=__labs_report
