# Role names from the profile file (`rolex __complete-roles` reads only the
# profile file), for the ROLE argument of the commands that take one.
(( $+functions[_rolex_roles] )) ||
_rolex_roles() {
    local -a roles
    roles=(${(f)"$(command rolex __complete-roles 2>/dev/null)"})
    _wanted roles expl 'role' compadd -a roles
}

