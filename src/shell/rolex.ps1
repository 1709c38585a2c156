# rolex shell hook for PowerShell. Load it from $PROFILE with:
#     Invoke-Expression (& rolex init pwsh | Out-String)
# Rendered by `rolex init pwsh`: @ROLEX@ is the binary's absolute path, quoted.
#
# Completions (role names included) are a separate line, so that the hook
# stays small:
#     rolex completions powershell | Out-String | Invoke-Expression   # in $PROFILE
#
# Protocol: every call runs the binary with ROLEX_HOOK=pwsh and
# __ROLEX_SAVED=<$global:__rolex_saved> in its environment; PowerShell has
# no per-command environment, so both are set for the call and put back as
# they were afterwards. `switch` and `exit` (without --subshell) print a
# script on stdout; when the binary exits 0 that script is run here with
# Invoke-Expression. It sets $Env: variables and $global:__rolex_saved.
# The exit status is left in $LASTEXITCODE.
function global:rolex {
    # Safe under Set-StrictMode -Version Latest, and a non-zero exit must not
    # throw before the environment is put back.
    $PSNativeCommandUseErrorActionPreference = $false
    $rolexSub = $null
    $rolexCapture = $true
    $rolexSkip = $false
    # The subcommand is the first word that is neither a flag nor the value
    # of a flag that takes one (options follow the command; values are skipped).
    foreach ($rolexArg in $args) {
        $rolexWord = [string]$rolexArg
        if ($rolexSkip) { $rolexSkip = $false; continue }
        if ($rolexWord -ceq '--') { break }
        if ($rolexWord -cin '--subshell', '-h', '--help', '-V', '--version') { $rolexCapture = $false }
        elseif ($rolexWord -cin '--reason', '--token', '--duration', '--region') { $rolexSkip = $true }
        elseif ($rolexWord.StartsWith('-')) { }
        elseif ($null -eq $rolexSub) { $rolexSub = $rolexWord }
    }
    if ($rolexSub -cnotin 'switch', 'exit') { $rolexCapture = $false }

    $rolexSaved = Get-Variable -Scope Global -Name __rolex_saved -ValueOnly -ErrorAction SilentlyContinue
    $rolexPrevHook = [Environment]::GetEnvironmentVariable('ROLEX_HOOK')
    $rolexPrevSaved = [Environment]::GetEnvironmentVariable('__ROLEX_SAVED')
    $rolexOut = $null
    $rolexRc = 0
    try {
        [Environment]::SetEnvironmentVariable('ROLEX_HOOK', 'pwsh')
        [Environment]::SetEnvironmentVariable('__ROLEX_SAVED', [string]$rolexSaved)
        if ($rolexCapture) {
            # stdout only is captured: stderr and the terminal (the MFA
            # prompt) stay with the user.
            $rolexOut = & @ROLEX@ @args
        } else {
            & @ROLEX@ @args
        }
        $rolexRc = $LASTEXITCODE
    } finally {
        [Environment]::SetEnvironmentVariable('ROLEX_HOOK', $rolexPrevHook)
        [Environment]::SetEnvironmentVariable('__ROLEX_SAVED', $rolexPrevSaved)
    }
    if ($rolexCapture -and $rolexRc -eq 0 -and $null -ne $rolexOut) {
        Invoke-Expression (@($rolexOut) -join "`n")
    }
    $global:LASTEXITCODE = $rolexRc
}
