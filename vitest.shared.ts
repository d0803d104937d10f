// One vitest setup for every package: each package's vitest.config.ts is `export default packageVitestConfig(import.meta.url)`.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export function packageVitestConfig(packageConfigUrl: string, overrides: { testTimeout?: number } = {}) {
  const root = fileURLToPath(new URL(".", packageConfigUrl));
  return defineConfig({
    root,
    resolve: { conditions: ["source"] },
    ssr: { resolve: { conditions: ["source"] } },
    test: {
      include: ["test/**/*.test.ts"],
      testTimeout: overrides.testTimeout ?? 60_000,
      hookTimeout: 60_000,
      pool: "forks",
      reporters: ["default", "json"],
      outputFile: { json: ".vitest/results.json" },
    },
  });
}
