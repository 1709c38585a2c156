//! Issue: shell integration in real shells (tmux).
