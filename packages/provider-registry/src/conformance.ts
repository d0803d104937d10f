/**
 * The conformance kit (`@team-agent/provider-registry/conformance`): one call in a plugin's test file registers a
 * vitest suite that checks the plugin against the contract the runtime relies on.
 *
 *   import { describeProviderConformance } from "@team-agent/provider-registry/conformance";
 *   import plugin from "../src/index.js";
 *   describeProviderConformance(plugin, { samples: [{ text, expectedState: "idle" }] });
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import {
  type ConformanceContext,
  type ConformanceOptions,
  conformanceChecks,
  createConformanceContext,
} from "./conformance-checks.js";

export * from "./conformance-checks.js";

/** Registers `describe("provider conformance: <name>")` with one test per check. */
export function describeProviderConformance(plugin: unknown, options: ConformanceOptions = {}): void {
  const name = options.label ?? ((plugin as { name?: unknown } | null)?.name as string | undefined) ?? "plugin";
  describe(`provider conformance: ${name}`, () => {
    let context: ConformanceContext | null = null;
    beforeAll(async () => {
      context = await createConformanceContext();
    });
    afterAll(async () => {
      await context?.cleanup();
    });
    for (const check of conformanceChecks(plugin, options)) {
      it(check.name, () => check.run(context!));
    }
  });
}
