import { readFileSync } from "node:fs";
import { afterEach, expect, it } from "vitest";
import { LEAD_ONLY_VARIABLES } from "../../src/ops/team-session.js";
import { useTeamHarness } from "../helpers/use-team-harness.js";

const harnesses = useTeamHarness();

afterEach(() => {
  for (const name of LEAD_ONLY_VARIABLES) delete process.env[name];
});

function environmentOf(pid: number): Map<string, string> {
  const pairs = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
  return new Map(pairs.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
}

it("keeps the lead's identity out of the workers' environment even when the lead started the team", async () => {
  for (const name of LEAD_ONLY_VARIABLES) process.env[name] = `lead-value-of-${name}`;
  process.env["TEAM_AGENT_UNRELATED_PROBE"] = "kept";
  try {
    const harness = await harnesses.start({ workers: 1 });
    const panePid = Number(
      (
        await harness.tmux.run(["display-message", "-p", "-t", harness.agent("w1").pane_id as string, "#{pane_pid}"])
      ).stdout.trim(),
    );
    const environment = environmentOf(panePid);
    for (const name of LEAD_ONLY_VARIABLES) expect([name, environment.has(name)]).toEqual([name, false]);
    expect(environment.get("TEAM_AGENT_UNRELATED_PROBE")).toBe("kept");
    expect(environment.get("TEAM_AGENT_ID")).toBe("w1");
  } finally {
    delete process.env["TEAM_AGENT_UNRELATED_PROBE"];
  }
});
