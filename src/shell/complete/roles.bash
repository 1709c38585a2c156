
# Role names from the profile file for the ROLE argument of switch, exec,
# env, console, credential-process, clear and doctor (`rolex __complete-roles`
# reads only the profile file); everything else as above.
_rolex_with_roles() {
    local cur=${COMP_WORDS[COMP_CWORD]} sub='' w skip='' n=0 i
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ -n $skip ]]; then
            # `--region=eu-west-1` comes as three words: --region, =, value.
            [[ $w == = ]] || skip=''
            continue
        fi
        case $w in
            --) n=2 ;;
            --reason | --token | --duration | --region | --format | --service | --destination) skip=1 ;;
            -*) ;;
            *) if [[ -z $sub ]]; then sub=$w; else n=$((n + 1)); fi ;;
        esac
    done
    if [[ -z $skip && $n -eq 0 && $cur != -* ]]; then
        case $sub in
            switch | exec | env | console | credential-process | clear | doctor)
                local IFS=$'\n'
                # shellcheck disable=SC2207 # role names have no spaces
                COMPREPLY=($(compgen -W "$(command rolex __complete-roles 2>/dev/null)" -- "$cur"))
                return 0
                ;;
        esac
    fi
    _rolex "$@"
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _rolex_with_roles -o nosort -o bashdefault -o default rolex
else
    complete -F _rolex_with_roles -o bashdefault -o default rolex
fi
