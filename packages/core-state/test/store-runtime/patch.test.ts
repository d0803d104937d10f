import { beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { JsonAttrsMerger, RowPatcher } from "../../src/store/patch.js";
import { useTempStore } from "../helpers/temp-store.js";

describe("RowPatcher", () => {
  const store = useTempStore({ teams: ["alpha"] });
  let patcher: RowPatcher;
  const at = () => ({ now: store.clock.iso() });
  const row = () =>
    store.ctx.db
      .prepare("SELECT display_backend, spec_path, spec, updated_at FROM teams WHERE team_id = 'alpha'")
      .get() as {
      display_backend: string | null;
      spec_path: string | null;
      spec: string | null;
      updated_at: string;
    };

  beforeEach(() => {
    patcher = new RowPatcher(store.ctx.db, {
      table: "teams",
      keyColumns: ["team_id"],
      columns: ["display_backend", "spec_path", "spec"],
      jsonColumns: ["spec"],
    });
  });

  it("writes only the patched columns and bumps updated_at only on a real change", () => {
    store.clock.advance(1_000);
    expect(patcher.update(["alpha"], { display_backend: "tmux" }, at())).toBe(true);
    expect(row()).toMatchObject({ display_backend: "tmux", spec_path: null, updated_at: store.clock.iso() });
    const changedAt = store.clock.iso();

    store.clock.advance(1_000);
    expect(patcher.update(["alpha"], { display_backend: "tmux" }, at())).toBe(false);
    expect(patcher.update(["alpha"], { display_backend: "tmux", spec_path: undefined }, at())).toBe(false);
    expect(row().updated_at).toBe(changedAt);

    // One changed column among unchanged ones is enough; null is a value (IS NOT, not !=).
    expect(patcher.update(["alpha"], { display_backend: "tmux", spec_path: "/s.yaml" }, at())).toBe(true);
    expect(patcher.update(["alpha"], { spec_path: null }, at())).toBe(true);
    expect(patcher.update(["alpha"], { spec_path: null }, at())).toBe(false);
  });

  it("compares JSON columns by their serialised text", () => {
    expect(patcher.update(["alpha"], { spec: { a: 1, b: [1, 2] } }, at())).toBe(true);
    expect(row().spec).toBe('{"a":1,"b":[1,2]}');
    expect(patcher.update(["alpha"], { spec: { a: 1, b: [1, 2] } }, at())).toBe(false);
    expect(patcher.update(["alpha"], { spec: { a: 2, b: [1, 2] } }, at())).toBe(true);
  });

  it("returns false for a missing row and an empty patch", () => {
    expect(patcher.update(["nobody"], { display_backend: "tmux" }, at())).toBe(false);
    expect(patcher.update(["alpha"], {}, at())).toBe(false);
  });

  it("rejects fields outside the allow-list, so a patch can never name a column", () => {
    const attempt = () => patcher.update(["alpha"], { "status = 'x'; --": "y" }, at());
    expect(attempt).toThrow(ValidationError);
    expect(() => patcher.update(["alpha"], { session_name: "other" }, at())).toThrow(
      /no updatable field "session_name"/,
    );
    expect(() => patcher.update(["alpha"], { display_backend: true }, at())).toThrow(ValidationError);
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
  const store = useTempStore({ clock: "system", teams: ["alpha"] });
  let merger: JsonAttrsMerger;
  const attrs = () =>
    JSON.parse(
      (store.ctx.db.prepare("SELECT attrs FROM teams WHERE team_id = 'alpha'").get() as { attrs: string }).attrs,
    ) as Record<string, unknown>;

  beforeEach(() => {
    merger = new JsonAttrsMerger(store.ctx.db, { table: "teams", keyColumns: ["team_id"] });
  });

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
