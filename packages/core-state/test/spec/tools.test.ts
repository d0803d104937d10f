import { describe, expect, it } from "vitest";
import {
  CANONICAL_TOOLS,
  effectiveTools,
  expandTools,
  isKnownToolName,
  normalizeRoleName,
  roleDefaultTools,
} from "../../src/spec/tools.js";

describe("tools", () => {
  it("expands aliases, sorted and de-duplicated", () => {
    expect(expandTools(["mcp_team", "fs_*", "fs_read", "@builtin", "@cao-mcp-server"])).toEqual({
      tools: ["fs_list", "fs_read", "fs_write", "mcp_team", "provider_builtin"],
      unknown: [],
    });
    expect(expandTools(["@team-orchestrator"]).tools).toEqual(["mcp_team"]);
    expect(expandTools(["*"]).tools).toEqual([...CANONICAL_TOOLS].sort());
  });

  it("reports unknown names once, in order", () => {
    expect(expandTools(["shell", "fs_read", "teleport", "shell"])).toEqual({
      tools: ["fs_read"],
      unknown: ["shell", "teleport"],
    });
    expect(isKnownToolName("fs_*")).toBe(true);
    expect(isKnownToolName("toString")).toBe(false);
    expect(isKnownToolName("fs_")).toBe(false);
  });

  it("gives role defaults, developer for unknown roles", () => {
    expect(roleDefaultTools("leader")).toEqual(["fs_list", "fs_read", "mcp_team", "provider_builtin"]);
    expect(roleDefaultTools("Supervisor")).toEqual(roleDefaultTools("leader"));
    expect(roleDefaultTools("researcher")).toEqual(["fs_list", "fs_read", "mcp_team", "network", "provider_builtin"]);
    expect(roleDefaultTools("Code Reviewer")).toEqual([
      "fs_list",
      "fs_read",
      "git_diff",
      "mcp_team",
      "provider_builtin",
    ]);
    expect(roleDefaultTools("Implementation Engineer")).toEqual(roleDefaultTools("developer"));
    expect(roleDefaultTools("astronaut")).toEqual([
      "execute_bash",
      "fs_list",
      "fs_read",
      "fs_write",
      "git_diff",
      "mcp_team",
      "provider_builtin",
    ]);
    expect(normalizeRoleName(" Code-Reviewer ")).toBe("code_reviewer");
  });

  it("treats empty or absent tools as the role defaults, not as no tools", () => {
    expect(effectiveTools([], "reviewer")).toEqual(roleDefaultTools("reviewer"));
    expect(effectiveTools(undefined, "researcher")).toEqual(roleDefaultTools("researcher"));
    expect(effectiveTools(["fs_read"], "researcher")).toEqual(["fs_read"]);
  });
});
