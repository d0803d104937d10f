import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  cliStringHash,
  currentProjectDirName,
  projectDirNames,
  projectDirs,
  projectsRootFrom,
} from "../../src/transcripts/project-dir.js";
import { TRANSCRIPTS } from "../helpers.js";

/** What the real CLI chose, recorded by scripts/record-transcripts (cwd → project dir name). */
const recording = JSON.parse(readFileSync(join(TRANSCRIPTS, "claude-code-2.1.332-recording.json"), "utf8")) as Record<
  string,
  string
>;

describe("project dir names", () => {
  it("match the dirs the real 2.1.332 created: `.` and `_` replaced, symlinks resolved", () => {
    expect(recording.native_workspace).toMatch(/ws_native\.team$/);
    expect(currentProjectDirName(recording.native_workspace!)).toBe(recording.native_project_dir);
    // The worker was started in a symlink to the workspace; the CLI names the dir after the resolved path.
    expect(currentProjectDirName(recording.native_spawn_cwd!)).not.toBe(recording.native_project_dir);
  });

  it("match the real CLI's long-path form: 200 characters, then the base-36 hash (non-BMP counts twice)", () => {
    const ws = recording.managed_workspace!;
    expect(ws).toContain("😀");
    expect(currentProjectDirName(ws)).toBe(recording.managed_project_dir);
    expect(recording.managed_project_dir).toMatch(/^.{200}-[0-9a-z]+$/u);
  });

  it("hash is Java's String.hashCode over UTF-16 code units", () => {
    expect(cliStringHash("")).toBe(0);
    expect(cliStringHash("abc")).toBe(96354);
    // Overflow wraps to a signed 32-bit value, as in the CLI.
    let expected = 0;
    for (const ch of "/tmp/x/".repeat(40)) expected = (expected * 31 + ch.charCodeAt(0)) | 0;
    expect(cliStringHash("/tmp/x/".repeat(40))).toBe(expected);
  });

  it("short paths: current, per-code-point, dot-keeping and legacy forms, deduplicated, current first", () => {
    expect(projectDirNames("/home/me/proj")).toEqual(["-home-me-proj"]);
    expect(projectDirNames("/home/me/my_proj.v2")).toEqual([
      "-home-me-my-proj-v2",
      "-home-me-my-proj.v2",
      "-home-me-my_proj.v2",
    ]);
    expect(projectDirNames("/w/😀")).toEqual(["-w---", "-w--"]);
  });

  it("dirs are joined under the projects root", () => {
    expect(projectDirs("/r", "/a_b")).toEqual(["/r/-a-b", "/r/-a_b"]);
  });

  it("projects root: explicit, else under a config dir, else ~/.claude/projects", () => {
    expect(projectsRootFrom({ claude_projects_root: "/p", claude_config_dir: "/c" }, "/h")).toBe("/p");
    expect(projectsRootFrom({ claude_config_dir: "/c" }, "/h")).toBe("/c/projects");
    expect(projectsRootFrom({}, "/h")).toBe("/h/.claude/projects");
  });
});
