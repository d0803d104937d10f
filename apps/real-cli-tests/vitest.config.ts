import { packageVitestConfig } from "../../vitest.shared.ts";

const config = packageVitestConfig(import.meta.url, { testTimeout: 300_000 });
config.test = { ...config.test, globalSetup: ["./test/global-setup.ts"], hookTimeout: 120_000 };
export default config;
