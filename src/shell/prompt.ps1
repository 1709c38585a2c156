# rolex prompt segment for PowerShell (`rolex init pwsh --prompt`): the active
# role, then one space, in front of the prompt; nothing outside a role. The
# prompt from before is kept in $global:__rolex_user_prompt (taken once,
# however often this is loaded) and its text follows the segment. One
# `rolex prompt` run a prompt. Load this after anything that defines prompt
# (themes).
if ($null -eq (Get-Variable -Scope Global -Name __rolex_user_prompt -ErrorAction SilentlyContinue)) {
    $global:__rolex_user_prompt = $function:prompt
    if ($null -eq $global:__rolex_user_prompt) {
        $global:__rolex_user_prompt = { "PS $($executionContext.SessionState.Path.CurrentLocation)$('>' * ($nestedPromptLevel + 1)) " }
    }
}

function global:prompt {
    # The user's prompt runs first, so it sees $? and $LASTEXITCODE of the
    # last command; $LASTEXITCODE is put back after `rolex prompt`.
    $rolexUser = (& $global:__rolex_user_prompt) -join ''
    $rolexExit = Get-Variable -Scope Global -Name LASTEXITCODE -ValueOnly -ErrorAction SilentlyContinue
    $PSNativeCommandUseErrorActionPreference = $false
    $rolexSeg = (& @ROLEX@ prompt --shell pwsh 2>$null) -join ''
    $global:LASTEXITCODE = $rolexExit
    if ($rolexSeg) { "$rolexSeg $rolexUser" } else { $rolexUser }
}
