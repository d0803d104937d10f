/** The fake is part of this package: installed whenever its CLI entry can run, and never needs credentials. */
import { existsSync } from "node:fs";
import type { ProviderProbe } from "@team-agent/provider-registry";
import { resolveCliEntry } from "./launch.js";
import { PACKAGE_VERSION } from "./package-info.js";

export const fakeProbe: ProviderProbe = {
  async isInstalled() {
    try {
      return existsSync(resolveCliEntry().file);
    } catch {
      return false;
    }
  },
  async version() {
    return PACKAGE_VERSION;
  },
  async authHint() {
    return { status: "present", detail: "the fake agent needs no credentials" };
  },
};
