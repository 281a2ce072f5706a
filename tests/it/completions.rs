//! Shell completions and the man page come from the clap definitions: every
//! command and option the parser knows is in them.

use crate::common::{bin, ok};

fn stdout(args: &[&str]) -> String {
    String::from_utf8(ok(bin().args(args)).stdout).unwrap()
}

#[test]
fn completion_scripts_name_every_command_and_option() {
    let bash = stdout(&["completions", "bash"]);
    for w in [
        "build",
        "validate",
        "sample",
        "init",
        "--quarter",
        "--feedback",
        "--issue-date",
    ] {
        assert!(bash.contains(w), "bash completion lacks {w}");
    }
    let ps = stdout(&["completions", "powershell"]);
    assert!(ps.contains("Register-ArgumentCompleter"));
    assert!(ps.contains("--scope"));
    let o = bin().args(["completions", "cmd.exe"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn man_page_has_every_command() {
    let man = stdout(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH minebrief"),
        "{}",
        &man[..200.min(man.len())]
    );
    for w in [
        ".TH minebrief-build",
        ".TH minebrief-validate",
        "\\-\\-quarter",
        "\\-\\-feedback",
    ] {
        assert!(man.contains(w), "man page lacks {w}");
    }
}
