import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findProfile, parseEnvText } from "../../src/spec/profile-env.js";
import { slug } from "../../src/spec/slug.js";
import { useTempDirs } from "../helpers/temp-dir.js";

const temp = useTempDirs();

describe("profiles", () => {
  it("parses KEY=VALUE lines, skipping comments and blanks, allowing export and quotes", () => {
    const values = parseEnvText(
      "# comment\n\nexport MODEL='gpt-x'\nBASE_URL=\"https://e.example/v1\"\nAPI_KEY=\n 1BAD=x\nno equals\nA=b=c\r\nQ=\"unbalanced'\n",
    );
    expect(Object.fromEntries(values)).toEqual({
      MODEL: "gpt-x",
      BASE_URL: "https://e.example/v1",
      API_KEY: "",
      A: "b=c",
      Q: "\"unbalanced'",
    });
  });

  it("prefers <name>.env over <name>.example.env and refuses unsafe names", () => {
    const dir = temp.make();
    mkdirSync(join(dir, "profiles"));
    writeFileSync(join(dir, "profiles", "p.example.env"), "MODEL=template\n");
    expect(findProfile(dir, "p")).toMatchObject({ isExample: true });
    expect(findProfile(dir, "p")?.values.get("MODEL")).toBe("template");
    writeFileSync(join(dir, "profiles", "p.env"), "MODEL=real\n");
    expect(findProfile(dir, "p")).toMatchObject({ isExample: false });
    expect(findProfile(dir, "p")?.values.get("MODEL")).toBe("real");
    expect(findProfile(dir, "missing")).toBeUndefined();
    writeFileSync(join(dir, "outside.env"), "MODEL=x\n");
    expect(findProfile(dir, "../outside")).toBeUndefined();
  });
});

describe("slug", () => {
  it.each([
    ["My Team", "My-Team"],
    ["  alpha  ", "alpha"],
    ["_-x-_", "x"],
    ["équipe_1", "équipe_1"],
    ["团队", "团队"],
    ["a.b/c", "a-b-c"],
    ["!!!", "team"],
    ["", "team"],
  ])("%j → %j", (input, expected) => {
    expect(slug(input)).toBe(expected);
  });
});
