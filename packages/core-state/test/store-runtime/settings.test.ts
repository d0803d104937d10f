import { beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { ACTIVE_TEAM_KEY, WorkspaceSettingsRepo } from "../../src/store/settings.js";
import { useTempStore } from "../helpers/temp-store.js";

describe("WorkspaceSettingsRepo", () => {
  const store = useTempStore();
  let settings: WorkspaceSettingsRepo;
  const updatedAt = (key: string) =>
    (store.ctx.db.prepare("SELECT updated_at FROM workspace_settings WHERE key = ?").get(key) as { updated_at: string })
      .updated_at;

  beforeEach(() => {
    settings = new WorkspaceSettingsRepo(store.ctx);
  });

  it("gets, sets and deletes keys", () => {
    expect(settings.get(ACTIVE_TEAM_KEY)).toBeNull();
    expect(settings.has(ACTIVE_TEAM_KEY)).toBe(false);
    expect(settings.set(ACTIVE_TEAM_KEY, "alpha")).toBe(true);
    expect(settings.get(ACTIVE_TEAM_KEY)).toBe("alpha");
    expect(settings.set(ACTIVE_TEAM_KEY, "beta")).toBe(true);
    expect(settings.get(ACTIVE_TEAM_KEY)).toBe("beta");
    expect(settings.delete(ACTIVE_TEAM_KEY)).toBe(true);
    expect(settings.delete(ACTIVE_TEAM_KEY)).toBe(false);
    expect(settings.get(ACTIVE_TEAM_KEY)).toBeNull();
  });

  it("stores null as a value distinct from absence", () => {
    expect(settings.set("display.default", null)).toBe(true);
    expect(settings.has("display.default")).toBe(true);
    expect(settings.get("display.default")).toBeNull();
  });

  it("skips a set that would not change the value", () => {
    settings.set(ACTIVE_TEAM_KEY, "alpha");
    const first = updatedAt(ACTIVE_TEAM_KEY);
    store.clock.advance(5_000);
    expect(settings.set(ACTIVE_TEAM_KEY, "alpha")).toBe(false);
    expect(updatedAt(ACTIVE_TEAM_KEY)).toBe(first);
    expect(settings.set(ACTIVE_TEAM_KEY, "beta")).toBe(true);
    expect(updatedAt(ACTIVE_TEAM_KEY)).toBe(store.clock.iso());
  });

  it("rejects keys that are not lowercase snake_case", () => {
    for (const key of ["", "Active", "a b", "x;drop"]) {
      expect(() => settings.set(key, "v"), key).toThrow(ValidationError);
    }
  });
});
