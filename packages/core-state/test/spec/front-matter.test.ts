import { describe, expect, it } from "vitest";
import { parseFrontMatter } from "../../src/spec/front-matter.js";
import { catchValidation } from "./helpers.js";

const PATH = "/team/agents/dev.md";

describe("parseFrontMatter", () => {
  it("splits meta and body, dropping the body's leading newlines", () => {
    const parsed = parseFrontMatter("---\nname: dev\ntools: [fs_read]\n---\n\n\nBody line\n", PATH);
    expect(parsed.meta).toEqual({ name: "dev", tools: ["fs_read"] });
    expect(parsed.body).toBe("Body line\n");
    expect(parsed.lineOf("/tools")).toBe(3);
  });

  it("normalises CRLF before parsing", () => {
    const parsed = parseFrontMatter("---\r\nname: dev\r\nrole: Dev\r\n---\r\nBody\r\nmore\r\n", PATH);
    expect(parsed.meta).toEqual({ name: "dev", role: "Dev" });
    expect(parsed.body).toBe("Body\nmore\n");
  });

  it("treats a file without a leading marker as all body", () => {
    expect(parseFrontMatter("Just text\n---\nname: x\n---\n", PATH)).toMatchObject({
      meta: {},
      body: "Just text\n---\nname: x\n---\n",
    });
    expect(parseFrontMatter(" ---\nname: x\n---\n", PATH).meta).toEqual({});
  });

  it("reports unterminated front matter with the path", () => {
    const error = catchValidation(() => parseFrontMatter("---\nname: dev\nBody without end\n", PATH));
    expect(error.message).toBe(`${PATH}: unterminated front matter`);
    expect(error.problems[0]).toMatchObject({ file: PATH, message: "unterminated front matter" });
  });

  it("only accepts a whole `---` line as the closing marker", () => {
    expect(catchValidation(() => parseFrontMatter("---\nname: dev\n----\nbody\n", PATH)).message).toContain(
      "unterminated",
    );
    expect(parseFrontMatter("---\nname: dev\n---  \nbody\n", PATH)).toMatchObject({
      meta: { name: "dev" },
      body: "body\n",
    });
  });

  it("accepts an empty block as empty metadata (the original called it unterminated)", () => {
    expect(parseFrontMatter("---\n---\nBody\n", PATH)).toMatchObject({ meta: {}, body: "Body\n" });
    expect(parseFrontMatter("---\n# only a comment\n---\nBody\n", PATH).meta).toEqual({});
  });

  it.each([["- a\n- b"], ["just a string"], ["42"]])("rejects non-map front matter %j", (block) => {
    const error = catchValidation(() => parseFrontMatter(`---\n${block}\n---\nbody\n`, PATH));
    expect(error.message).toBe(`${PATH}: front matter must be a YAML object`);
  });

  it("reports YAML errors with the file line", () => {
    const error = catchValidation(() => parseFrontMatter("---\nname: dev\nrole: @bad\n---\n", PATH));
    expect(error.message).toMatch(new RegExp(`^${PATH}: invalid front matter YAML at line 3: `));
    expect(error.problems[0]?.line).toBe(3);
  });
});
