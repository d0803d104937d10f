import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectTmuxVersion, requireTmux } from "../../src/tmux/version.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A stand-in tmux binary that prints `output` for `-V` and exits with `code`. */
function fakeTmux(output: string, code = 0): string {
  const dir = mkdtempSync(join(tmpdir(), "ta-fake-tmux-"));
  dirs.push(dir);
  const path = join(dir, "tmux");
  writeFileSync(path, `#!/bin/sh\necho '${output}'\nexit ${code}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("tmux version check", () => {
  it("detects the installed tmux and accepts it for 3.2", async () => {
    const version = await requireTmux("3.2");
    expect(version.raw).toMatch(/^tmux \d+\.\d+/);
    expect(version.major * 100 + version.minor).toBeGreaterThanOrEqual(302);
  });

  it("asks each binary once", async () => {
    const path = fakeTmux("tmux 3.4");
    const first = detectTmuxVersion(path);
    expect(detectTmuxVersion(path)).toBe(first);
    expect((await first).minor).toBe(4);
  });

  it("says what is installed and what to do when tmux is too old", async () => {
    const path = fakeTmux("tmux 2.9a");
    await expect(requireTmux("3.2", path)).rejects.toMatchObject({
      code: "tmux_too_old",
      message: `tmux 3.2 or newer is required, but ${path} is tmux 2.9a`,
      action: expect.stringContaining("Upgrade tmux"),
    });
    await expect(requireTmux("2.9", path)).resolves.toMatchObject({ major: 2, minor: 9, patch: "a" });
  });

  it("reports a missing binary, and a failing one, as tmux_missing with an install hint", async () => {
    await expect(requireTmux("3.2", "/nonexistent/tmux")).rejects.toMatchObject({
      code: "tmux_missing",
      action: expect.stringContaining("Install tmux"),
    });
    await expect(requireTmux("3.2", fakeTmux("broken", 3))).rejects.toMatchObject({ code: "tmux_missing" });
  });

  it("refuses output that is not a tmux version", async () => {
    await expect(requireTmux("3.2", fakeTmux("screen 4.09"))).rejects.toMatchObject({ code: "tmux_version_unknown" });
  });
});
