// The default warner is process-wide, so this file (its own process under vitest's forks pool) is the only
// place that loads a spec without injecting one.
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadTeamSpec } from "../../src/spec/load.js";
import { useTempDirs } from "../helpers/temp-dir.js";
import { exampleText, writeExampleSpec } from "./helpers.js";

const temp = useTempDirs();
afterEach(() => vi.restoreAllMocks());

describe("deprecation warning on stderr", () => {
  it("is written once per process however often the spec is loaded", () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const plain = writeExampleSpec(temp.make());
    loadTeamSpec(plain);
    expect(writes).toEqual([]);
    const text = exampleText().replace("  backend: tmux", "  backend: tmux\n  auto_trust_own_workspace: true");
    const path = writeExampleSpec(temp.make(), text);
    for (let index = 0; index < 3; index += 1) loadTeamSpec(path);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/TEAM_AGENT_AUTO_TRUST_OWN_WORKSPACE.*\n$/);
  });
});
