import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { teamSpecFromRoster } from "../../src/spec/roster.js";

describe("teamSpecFromRoster", () => {
  it("fills every field a compiled team would have and keeps the roster's choices", () => {
    const spec = teamSpecFromRoster({
      name: "notes",
      workspace: "/w",
      leaderProvider: "claude_code",
      workers: [
        { id: "dev", role: "implementer", provider: "codex", profile: "local" },
        { id: "qa", role: "tester", provider: "fake", paused: true, preferredFor: ["review"] },
      ],
      runtime: { tick_interval_sec: 2 },
    });
    expect(spec.team).toMatchObject({ name: "notes", workspace: "/w" });
    expect(spec.leader.provider).toBe("claude_code");
    expect(spec.agents.map((agent) => [agent.id, agent.provider, agent.paused ?? false])).toEqual([
      ["dev", "codex", false],
      ["qa", "fake", true],
    ]);
    expect(spec.agents[0]).toMatchObject({ profile: "local", auth_mode: "subscription", preferred_for: ["dev"] });
    expect(spec.agents[1]?.preferred_for).toEqual(["review"]);
    expect(spec.runtime).toMatchObject({
      session_name: "team-notes",
      startup_order: ["dev", "qa"],
      tick_interval_sec: 2,
    });
    expect(spec.routing.default_assignee).toBe("dev");
  });

  it("rejects what a spec file would be rejected for", () => {
    expect(() =>
      teamSpecFromRoster({
        name: "bad",
        workspace: "/w",
        leaderProvider: "fake",
        workers: [{ id: "has space", role: "r", provider: "gemini_x" }],
      }),
    ).toThrow(ValidationError);
  });
});
