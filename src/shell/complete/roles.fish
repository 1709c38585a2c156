
# Role names from the profile file (`rolex __complete-roles` reads only the
# profile file), for the ROLE argument of the commands that take one.
function __fish_rolex_wants_role
    set -l words (commandline -opc)
    set -e words[1]
    set -l sub ''
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case --
                return 1
            case --reason --token --duration --region --format --service --destination
                set skip 1
            case '-*'
            case '*'
                if test -z "$sub"
                    set sub $w
                else
                    return 1
                end
        end
    end
    test $skip = 0
    and contains -- "$sub" switch exec env console credential-process clear doctor
end
complete -c rolex -n __fish_rolex_wants_role -f -a "(command rolex __complete-roles 2>/dev/null)" -d role
