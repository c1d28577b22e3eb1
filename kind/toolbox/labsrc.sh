# The rc file of a learner's interactive shell in the toolbox pod (bash --rcfile labsrc.sh -i).
# After each command it reports the command line (from bash's own history, so multi-line commands and
# edited lines come out as bash ran them) and its exit status as two OSC escape sequences, which the
# lab server reads and removes from the output:
#   ESC ] 633 ; E ; <base64 of the command line> BEL     ESC ] 133 ; D ; <exit status> BEL
. ${LABS_ETC:-/etc/labs}/env.sh

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
