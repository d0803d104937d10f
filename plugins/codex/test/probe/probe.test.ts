import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCodexProbe, findExecutable } from "../../src/probe/probe.js";

let root: string;
let bin: string;
let home: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "ta-codex-probe-"));
  bin = join(root, "bin");
  home = join(root, "codex-home");
  mkdirSync(bin);
  mkdirSync(home);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function fakeCodex(script: string): void {
  const file = join(bin, "codex");
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
}

describe("installed and version", () => {
  it("finds codex on PATH and reports the first line of --version", async () => {
    fakeCodex('echo "codex-cli 9.9.9"; echo second line');
    const probe = createCodexProbe({ command: "codex", env: { PATH: `/nonexistent:${bin}`, CODEX_HOME: home } });
    expect(await probe.isInstalled()).toBe(true);
    expect(await probe.version()).toBe("codex-cli 9.9.9");
  });

  it("falls back to `codex version`, then to 'installed'", async () => {
    fakeCodex('[ "$1" = version ] && echo "codex 1.2.3" || exit 2');
    const env = { PATH: bin, CODEX_HOME: home };
    expect(await createCodexProbe({ command: "codex", env }).version()).toBe("codex 1.2.3");
    fakeCodex("exit 3");
    expect(await createCodexProbe({ command: "codex", env }).version()).toBe("installed");
  });

  it("is not installed when nothing executable is on PATH", async () => {
    writeFileSync(join(bin, "codex"), "not executable");
    const probe = createCodexProbe({ command: "codex", env: { PATH: bin } });
    expect(await probe.isInstalled()).toBe(false);
    expect(await probe.version()).toBeNull();
  });

  it("accepts an absolute command path", () => {
    fakeCodex("true");
    expect(findExecutable(join(bin, "codex"), "")).toBe(join(bin, "codex"));
    expect(findExecutable("relative/codex", bin)).toBeNull();
  });
});

describe("auth hint (never starts the TUI, never shows a secret)", () => {
  const SECRET = "sk-probe-secret-123456";
  const hint = (env: Record<string, string>) =>
    createCodexProbe({ command: "codex", env: { PATH: "", ...env } }).authHint();

  it("present with an API key in the environment, without echoing it", async () => {
    const result = await hint({ OPENAI_API_KEY: SECRET, CODEX_HOME: home });
    expect(result.status).toBe("present");
    expect(result.detail).not.toContain(SECRET);
  });

  it("present with stored credentials", async () => {
    writeFileSync(join(home, "auth.json"), JSON.stringify({ OPENAI_API_KEY: SECRET }));
    const result = await hint({ CODEX_HOME: home });
    expect(result.status).toBe("present");
    expect(result.detail).not.toContain(SECRET);
  });

  it("unknown when config.toml selects a custom model provider", async () => {
    writeFileSync(join(home, "config.toml"), 'model_provider = "local"\n[model_providers.local]\nname = "x"\n');
    expect((await hint({ CODEX_HOME: home })).status).toBe("unknown");
  });

  it("missing otherwise, saying how to sign in", async () => {
    const result = await hint({ CODEX_HOME: home });
    expect(result).toMatchObject({ status: "missing" });
    expect(result.detail).toMatch(/codex login/);
  });

  it("looks in ~/.codex when CODEX_HOME is unset", async () => {
    mkdirSync(join(root, ".codex"));
    writeFileSync(join(root, ".codex", "auth.json"), "{}");
    const probe = createCodexProbe({ command: "codex", env: { PATH: "" }, homeDir: root });
    expect((await probe.authHint()).status).toBe("present");
  });
});
