/**
 * Runs once per test run: installs (or reuses) the pinned real CLIs and hands the outcome to the tests. When npm
 * cannot install them the suite is skipped, and this says why on the run's output.
 */
import type { TestProject } from "vitest/node";
import { ensureRealClis, type RealCliSetup } from "./helpers/real-clis.js";

declare module "vitest" {
  export interface ProvidedContext {
    realClis: RealCliSetup;
  }
}

export default function setup(project: TestProject): void {
  const say = (line: string) => process.stdout.write(`[real-cli-tests] ${line}\n`);
  const outcome = ensureRealClis(say);
  if (outcome.ok) {
    const { clis } = outcome;
    say(
      `real CLIs: @openai/codex ${clis.codexVersion}, @anthropic-ai/claude-code ${clis.claudeVersion} ` +
        `(${clis.installed ? "installed now" : "from the cache"}: ${clis.cacheDir})`,
    );
  } else {
    say(`SKIPPING the real-CLI tests: ${outcome.reason}`);
  }
  project.provide("realClis", outcome);
}
