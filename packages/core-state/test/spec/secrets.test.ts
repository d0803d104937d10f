import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { findProbableSecret, looksRandom } from "../../src/spec/secrets.js";

describe("findProbableSecret", () => {
  it.each([
    ["API_KEY=sk-test-1234567890abcdef", "assignment"],
    ["API_KEY: sk-x", "assignment"],
    ["openai_api_key = 'a1B2c3D4e5'", "assignment"],
    ["password: hunter22", "assignment"],
    ["Use header Authorization: Bearer abcdefghijklmnopqrstu", "bearer"],
    ["the key sk-proj-abcdef123456 was leaked", "sk_key"],
    [`blob ${randomBytes(30).toString("base64")} end`, "random_run"],
    ["digest 3f786850e387550fdab836ed7e6dc881de23001b", "random_run"],
    ["jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.sig", "random_run"],
  ])("flags %j as %s", (text, rule) => {
    expect(findProbableSecret(text)?.rule).toBe(rule);
  });

  it.each([
    ["a long slash path", "Notes live under /usr/local/share/some/very/long/path/name for reference."],
    ["a mixed-case path", "Edit /Users/JohnDoe/Projects/App2024/src/components/widgets/table.tsx"],
    ["a CamelCase identifier", "Implement ResultEnvelopeVersionOneSpecificationDocument carefully"],
    ["a snake_case constant", "Set TEAM_AGENT_AUTO_TRUST_OWN_WORKSPACE_SETTING to 1"],
    ["a markdown rule", "----------------------------------------"],
    ["prose after token:", "The token: refreshed hourly by the leader"],
    ["an env reference", "OPENAI_API_KEY=$OPENAI_API_KEY"],
    ["a template placeholder", "API_KEY={{ api_key }}"],
    ["a credential ref", "credential_ref: profile:codex-default"],
    ["an elided key", "keys look like sk-…"],
    ["task words", "see the task-management-guide and disk-usage notes"],
  ])("does not flag %s", (_, text) => {
    expect(findProbableSecret(text)).toBeUndefined();
  });

  it("reports the line, not the secret", () => {
    const hit = findProbableSecret("line one\nline two\nAPI_KEY=sk-abcdefghijkl\n");
    expect(hit).toEqual({ rule: "assignment", line: 3 });
    expect(JSON.stringify(hit)).not.toContain("sk-");
  });

  it("catches random tokens with a low miss rate", () => {
    let missed = 0;
    for (let index = 0; index < 500; index += 1) {
      if (!looksRandom(randomBytes(24).toString("base64"))) missed += 1;
      if (!looksRandom(randomBytes(20).toString("hex"))) missed += 1;
    }
    expect(missed).toBeLessThan(20);
  });
});
