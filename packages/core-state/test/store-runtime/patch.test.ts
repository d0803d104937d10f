import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { JsonAttrsMerger, RowPatcher } from "../../src/store/patch.js";
import { ManualClock, openTempStore, registerTeam, type TempStore } from "../fixtures/runtime/harness.js";

describe("RowPatcher", () => {
  let store: TempStore;
  let clock: ManualClock;
  let patcher: RowPatcher;
  const row = () =>
    store.ctx.db
      .prepare("SELECT display_backend, spec_path, spec, updated_at FROM teams WHERE team_id = 'alpha'")
      .get() as {
      display_backend: string | null;
      spec_path: string | null;
      spec: string | null;
      updated_at: string;
    };

  beforeEach(async () => {
    clock = new ManualClock();
    store = await openTempStore({ clock: clock.now });
    registerTeam(store.ctx, "alpha");
    patcher = new RowPatcher(store.ctx.db, {
      table: "teams",
      keyColumns: ["team_id"],
      columns: ["display_backend", "spec_path", "spec"],
      jsonColumns: ["spec"],
    });
  });
  afterEach(() => store.cleanup());

  it("writes only the patched columns and bumps updated_at only on a real change", () => {
    clock.advance(1_000);
    expect(patcher.update(["alpha"], { display_backend: "tmux" }, { now: clock.iso() })).toBe(true);
    expect(row()).toMatchObject({ display_backend: "tmux", spec_path: null, updated_at: clock.iso() });
    const changedAt = clock.iso();

    clock.advance(1_000);
    expect(patcher.update(["alpha"], { display_backend: "tmux" }, { now: clock.iso() })).toBe(false);
    expect(patcher.update(["alpha"], { display_backend: "tmux", spec_path: undefined }, { now: clock.iso() })).toBe(
      false,
    );
    expect(row().updated_at).toBe(changedAt);

    // One changed column among unchanged ones is enough; null is a value (IS NOT, not !=).
    expect(patcher.update(["alpha"], { display_backend: "tmux", spec_path: "/s.yaml" }, { now: clock.iso() })).toBe(
      true,
    );
    expect(patcher.update(["alpha"], { spec_path: null }, { now: clock.iso() })).toBe(true);
    expect(patcher.update(["alpha"], { spec_path: null }, { now: clock.iso() })).toBe(false);
  });

  it("compares JSON columns by their serialised text", () => {
    expect(patcher.update(["alpha"], { spec: { a: 1, b: [1, 2] } }, { now: clock.iso() })).toBe(true);
    expect(row().spec).toBe('{"a":1,"b":[1,2]}');
    expect(patcher.update(["alpha"], { spec: { a: 1, b: [1, 2] } }, { now: clock.iso() })).toBe(false);
    expect(patcher.update(["alpha"], { spec: { a: 2, b: [1, 2] } }, { now: clock.iso() })).toBe(true);
  });

  it("returns false for a missing row and an empty patch", () => {
    expect(patcher.update(["nobody"], { display_backend: "tmux" }, { now: clock.iso() })).toBe(false);
    expect(patcher.update(["alpha"], {}, { now: clock.iso() })).toBe(false);
  });

  it("rejects fields outside the allow-list, so a patch can never name a column", () => {
    const attempt = () => patcher.update(["alpha"], { "status = 'x'; --": "y" }, { now: clock.iso() });
    expect(attempt).toThrow(ValidationError);
    expect(() => patcher.update(["alpha"], { session_name: "other" }, { now: clock.iso() })).toThrow(
      /no updatable field "session_name"/,
    );
    expect(() => patcher.update(["alpha"], { display_backend: true }, { now: clock.iso() })).toThrow(ValidationError);
    expect(() => new RowPatcher(store.ctx.db, { table: "teams; DROP", keyColumns: ["team_id"], columns: [] })).toThrow(
      TypeError,
    );
  });

  it("sets alsoSet columns only together with a real change", () => {
    const withTouch = new RowPatcher(store.ctx.db, {
      table: "teams",
      keyColumns: ["team_id"],
      columns: ["display_backend", "spec_path"],
      touchColumn: null,
    });
    const before = row().updated_at;
    expect(withTouch.update(["alpha"], { display_backend: "x" }, { now: "unused", alsoSet: { spec_path: "/a" } })).toBe(
      true,
    );
    expect(row()).toMatchObject({ display_backend: "x", spec_path: "/a", updated_at: before });
    expect(withTouch.update(["alpha"], { display_backend: "x" }, { now: "unused", alsoSet: { spec_path: "/b" } })).toBe(
      false,
    );
    expect(row().spec_path).toBe("/a");
  });
});

describe("JsonAttrsMerger", () => {
  let store: TempStore;
  let merger: JsonAttrsMerger;
  const attrs = () =>
    JSON.parse(
      (store.ctx.db.prepare("SELECT attrs FROM teams WHERE team_id = 'alpha'").get() as { attrs: string }).attrs,
    ) as Record<string, unknown>;

  beforeEach(async () => {
    store = await openTempStore();
    registerTeam(store.ctx, "alpha");
    merger = new JsonAttrsMerger(store.ctx.db, { table: "teams", keyColumns: ["team_id"] });
  });
  afterEach(() => store.cleanup());

  it("merges top-level keys, replaces values whole, keeps nested nulls and removes keys set to null", () => {
    const now = "2026-06-01T00:00:00.000Z";
    expect(merger.merge(["alpha"], { display: { pane: "%1", size: [80, 24] }, hash: "abc" }, now)).toBe(true);
    expect(merger.merge(["alpha"], { display: { pane: null } }, now)).toBe(true);
    expect(attrs()).toEqual({ display: { pane: null }, hash: "abc" });
    expect(merger.merge(["alpha"], { hash: null, "last_stuck_push_at:dev-1": now }, now)).toBe(true);
    expect(attrs()).toEqual({ display: { pane: null }, "last_stuck_push_at:dev-1": now });
  });

  it("skips a merge that leaves the object unchanged", () => {
    const now = "2026-06-01T00:00:00.000Z";
    expect(merger.merge(["alpha"], { n: 1, s: "x" }, now)).toBe(true);
    expect(merger.merge(["alpha"], { n: 1 }, "2026-06-02T00:00:00.000Z")).toBe(false);
    expect(merger.merge(["alpha"], { missing: null }, "2026-06-02T00:00:00.000Z")).toBe(false);
    expect(merger.merge(["alpha"], {}, now)).toBe(false);
    expect(merger.merge(["nobody"], { n: 1 }, now)).toBe(false);
  });

  it("rejects keys that are not plain and values JSON cannot hold", () => {
    const now = "2026-06-01T00:00:00.000Z";
    for (const key of ["", 'a"b', "a b", "$.x", "a[0]"]) {
      expect(() => merger.merge(["alpha"], { [key]: 1 }, now), key).toThrow(ValidationError);
    }
    expect(() => merger.merge(["alpha"], { fn: () => 1 }, now)).toThrow(ValidationError);
    expect(attrs()).toEqual({});
  });
});
