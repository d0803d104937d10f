#!/usr/bin/env node
// `team-agent-installer`: what `npx @team-agent/installer@latest install` runs.
import { runInstaller } from "./run.js";

process.exitCode = await runInstaller(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
