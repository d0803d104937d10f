#!/usr/bin/env node
// `team-agent`: the leader passthrough (`team-agent claude|codex …`) is handled before any option parsing, so
// provider flags pass through untouched; everything else goes to the command dispatcher.
import { runCli } from "./cli/run.js";

const argv = process.argv.slice(2);
const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
let code: number;
if (argv[0] === "claude" || argv[0] === "codex") {
  const { runLeader } = await import("./commands/leader.js");
  code = await runLeader(argv[0], argv.slice(1), io);
} else {
  code = await runCli(argv, io);
}
process.exitCode = code;
