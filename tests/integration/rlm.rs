//! The `rlm` kind end to end: a real `rlmstat -a` output through `command`,
//! a file and stdin; rlmutil's own failure as the source's error.

use crate::env::{fixture, Output, TestEnv};

#[test]
fn rlmstat_from_a_command_a_file_and_stdin() {
    let env = TestEnv::new();
    let foundry = fixture("rlm/foundry-nuke.txt");
    env.config(&format!(
        "[sources.render]\nkind = \"rlm\"\ncommand = [\"cat\", \"{}\"]\n\n[sources.down]\nkind = \"rlm\"\ncommand = [\"sh\", \"-c\", \"cat '{}'; exit 1\"]\n",
        foundry.display(),
        fixture("rlm/bad-cannot-connect.txt").display()
    ));
    let out = env.run(&["show", "--json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let records = out.json()["records"].as_array().unwrap().clone();
    assert_eq!(records.len(), 12, "a series per pool");
    let pool = records.iter().find(|r| r["id"] == "foundry/nuke_i/v2024.0701").unwrap();
    assert_eq!((pool["used"].as_u64(), pool["limit"].as_u64(), pool["unit"].as_str()), (Some(3), Some(22), Some("licenses")));
    // Two pools of one version are two series.
    assert!(records.iter().any(|r| r["metric"] == "v2024.0701 pool 10") && records.iter().any(|r| r["metric"] == "v2024.0701 pool 12"));
    assert!(
        out.stderr.contains("source `down` (rlm): command `sh` failed (exit code 1): Error connecting to \"rlm\" server: Connection attempted to host: \"licserv0001\" on port 27007; Bad hostname for network connect (-131)"),
        "{}",
        out.stderr
    );
    let holders = env.run(&["holders", "--source", "render", "--format", "csv"]);
    assert_eq!(holders.code, 0, "{}", holders.stderr);
    assert_eq!(holders.stdout.lines().count(), 11, "10 usage lines and the header:\n{}", holders.stdout);
    assert!(holders.stdout.contains("render,rlm,nuke_i,v2024.0701,user3.lastname,"), "{}", holders.stdout);

    // The one-off subcommand, from stdin.
    let mut cmd = env.cmd();
    cmd.args(["rlm", "--file", "-", "--json"]).stdin(std::fs::File::open(&foundry).unwrap());
    let out = Output::of(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["records"].as_array().unwrap().len(), 12);
}
