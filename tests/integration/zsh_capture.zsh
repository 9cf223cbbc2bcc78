# Drive real zsh completion in a pseudo-terminal and print each candidate on a
# line of its own.  Usage: zsh -f zsh_capture.zsh FPATH_DIR 'line to complete'
# After the zpty technique of zsh-capture-completion: compadd is wrapped to echo
# its matches, and null lines mark where completion output starts and ends.
zmodload zsh/zpty
zpty z zsh -f -i
local line
zpty -w z "PROMPT=''"
zpty -w z "fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -d \${TMPDIR:-/tmp}/licusage-zcompdump-\$\$"
zpty -w z "bindkey '^I' complete-word"
zpty -w z "null-line () { echo -E - \$'\\0' }; compprefuncs=( null-line ); comppostfuncs=( null-line exit )"
zpty -w z "zstyle ':completion:*' list-grouped false; zstyle ':completion:*' insert-tab false"
zpty -w z 'compadd () { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi; typeset -a __hits; builtin compadd -A __hits "$@"; [[ -n $__hits ]] || return; local h; for h in $__hits; do echo -E - "HIT $h"; done }'
zpty -w z "echo ready"
repeat 50; do zpty -r z line; [[ $line == ready* ]] && break; done
zpty -w z "$2"$'\t'
integer tog=0
while zpty -r z line; do
  [[ $line == *$'\0'* ]] && { (( tog++ )) && break || continue }
  (( tog )) && [[ $line == HIT* ]] && print -r -- "${${line#HIT }%$'\r'}"
done
