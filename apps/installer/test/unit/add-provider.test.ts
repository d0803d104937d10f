import { describe, expect, it } from "vitest";
import { installedPackageName, normaliseSpec, registryName } from "../../src/commands/add-provider.js";

describe("which package add-provider installed", () => {
  const prefix = "/data/providers";

  it("is the one dependency npm added or changed", () => {
    const before = { "team-agent-provider-a": "^1.0.0" };
    const after = { ...before, "team-agent-provider-b": "file:../../tmp/b.tgz" };
    expect(installedPackageName(before, after, "/tmp/b.tgz", prefix)).toBe("team-agent-provider-b");
  });

  it("is found by its file: path or its name when it was installed before", () => {
    const deps = { "team-agent-provider-b": "file:../../tmp/b.tgz", "@acme/team-agent-provider-c": "^2.0.0" };
    expect(installedPackageName(deps, deps, "/tmp/b.tgz", prefix)).toBe("team-agent-provider-b");
    expect(installedPackageName(deps, deps, "@acme/team-agent-provider-c@^2", prefix)).toBe(
      "@acme/team-agent-provider-c",
    );
    expect(installedPackageName(deps, deps, "/tmp/other.tgz", prefix)).toBeNull();
  });

  it("reads the package name out of registry specs", () => {
    expect(registryName("team-agent-provider-x")).toBe("team-agent-provider-x");
    expect(registryName("team-agent-provider-x@1.2.3")).toBe("team-agent-provider-x");
    expect(registryName("@acme/team-agent-provider-y@latest")).toBe("@acme/team-agent-provider-y");
    expect(registryName("github:acme/plugin")).toBeNull();
  });

  it("turns specs that name files into absolute paths and leaves registry specs alone", () => {
    expect(normaliseSpec("./p.tgz", "/home/ann", "/work")).toBe("/work/p.tgz");
    expect(normaliseSpec("~/dev/plugin", "/home/ann", "/work")).toBe("/home/ann/dev/plugin");
    expect(normaliseSpec("team-agent-provider-x@1", "/home/ann", "/work")).toBe("team-agent-provider-x@1");
  });
});
