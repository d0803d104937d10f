#!/usr/bin/env node
// The full test run: one lint pass over the whole tree, then typecheck, build, test and publint of every package
// through turbo, then the publishing checks (scripts/check-publishing.mjs), then one closing `N passed, N failed`
// line summed from each package's vitest JSON report.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { listWorkspaces, repoRoot } from "./workspaces.mjs";

const workspaces = listWorkspaces();
const withTests = workspaces.filter((workspace) => workspace.manifest.scripts?.test);
for (const workspace of withTests) rmSync(join(workspace.dir, ".vitest", "results.json"), { force: true });

function run(command, args) {
  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: "inherit", env });
  return result.status ?? 1;
}

const bin = (name) => join(repoRoot, "node_modules", ".bin", name);
const lintStatus = run(bin("biome"), ["check", "."]);
const turboTasks = ["typecheck", "build", "test", "publint"];
// Each package's vitest already uses every core; more than two packages testing at once on a 2-core CI machine only
// adds contention (and makes timing-sensitive tmux tests slower), not speed.
const concurrency = 2;
const turboStatus = run(bin("turbo"), [
  "run",
  ...turboTasks,
  "--continue",
  `--concurrency=${concurrency}`,
  ...process.argv.slice(2),
]);
const publishingStatus = run(process.execPath, [join(repoRoot, "scripts", "check-publishing.mjs")]);

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const workspace of withTests) {
  const reportPath = join(workspace.dir, ".vitest", "results.json");
  if (!existsSync(reportPath)) {
    missing.push(workspace.manifest.name);
    continue;
  }
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
// A package whose tests never reported counts as one failure, so a broken build can't look green.
failed += missing.length;
if (missing.length > 0) console.error(`no test report from: ${missing.join(", ")}`);
if (lintStatus !== 0) console.error("lint failed (biome check .)");
if (publishingStatus !== 0) console.error("publishing checks failed (node scripts/check-publishing.mjs)");
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
const allPassed = lintStatus === 0 && turboStatus === 0 && publishingStatus === 0 && failed === 0;
process.exit(allPassed ? 0 : 1);
