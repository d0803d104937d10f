/** Real SQLite stores in fresh temp dirs, a clock tests move by hand, and predictable team rows. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { MemoryEventSink } from "../../src/events.js";
import type { StoreContext } from "../../src/store/connection.js";
import { type OpenStoreOptions, openStoreContext } from "../../src/store/open.js";
import { TeamsRepo } from "../../src/store/teams.js";

/** A clock tests move by hand; pass `clock.now` as a store's clock. */
export class ManualClock {
  private ms: number;

  constructor(start = "2026-06-01T00:00:00.000Z") {
    this.ms = Date.parse(start);
  }

  readonly now = (): Date => new Date(this.ms);

  advance(milliseconds: number): void {
    this.ms += milliseconds;
  }

  set(iso: string): void {
    this.ms = Date.parse(iso);
  }

  iso(): string {
    return new Date(this.ms).toISOString();
  }
}

export interface TempStore {
  dir: string;
  dbPath: string;
  ctx: StoreContext;
  events: MemoryEventSink;
  /** Closes the store and removes its dir. */
  cleanup(): void;
}

export type TempStoreOptions = Omit<OpenStoreOptions, "events"> & { events?: MemoryEventSink };

/** A fresh store at `<temp dir>/runtime/team.db`; without `clock` it runs on the system clock. */
export async function openTempStore(options: TempStoreOptions = {}): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), "ta-store-"));
  const dbPath = join(dir, "runtime", "team.db");
  const events = options.events ?? new MemoryEventSink();
  try {
    const { context } = await openStoreContext(dbPath, { ...options, events });
    return {
      dir,
      dbPath,
      ctx: context,
      events,
      cleanup: () => {
        if (context.db.open) context.db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Registers a team with predictable fields (`team-<id>` session, workspace `/w/<id>`). */
export function registerTeam(ctx: StoreContext, teamId: string, extra: { teamDir?: string } = {}) {
  return new TeamsRepo(ctx).register({
    teamId,
    sessionName: `team-${teamId}`,
    workspace: `/w/${teamId}`,
    teamDir: extra.teamDir ?? `/w/${teamId}/.team/${teamId}`,
  });
}

/** The store of the running test, as `useTempStore` hands it out. */
export interface StoreFixture {
  readonly dir: string;
  readonly dbPath: string;
  readonly ctx: StoreContext;
  readonly events: MemoryEventSink;
  /** The store's manual clock (an error for a store on the system clock). */
  readonly clock: ManualClock;
}

export interface UseTempStoreOptions {
  /** "manual" (default): a fresh ManualClock per test; "system": real time, e.g. to share leases with children. */
  clock?: "manual" | "system";
  /** Where the manual clock starts (ManualClock's default otherwise). */
  start?: string;
  /** Teams registered (with `registerTeam`) before each test. */
  teams?: readonly string[];
}

/**
 * Opens a fresh store before each test of the calling suite and removes it after. The returned object reads the
 * current test's store; using it outside a test throws.
 */
export function useTempStore(options: UseTempStoreOptions = {}): StoreFixture {
  let current: { store: TempStore; clock: ManualClock | undefined } | undefined;

  beforeEach(async () => {
    const clock = options.clock === "system" ? undefined : new ManualClock(options.start);
    const store = await openTempStore(clock === undefined ? {} : { clock: clock.now });
    current = { store, clock };
    for (const teamId of options.teams ?? []) registerTeam(store.ctx, teamId);
  });
  afterEach(() => {
    current?.store.cleanup();
    current = undefined;
  });

  const active = () => {
    if (current === undefined) throw new Error("useTempStore: the store exists only while a test runs");
    return current;
  };
  return {
    get dir() {
      return active().store.dir;
    },
    get dbPath() {
      return active().store.dbPath;
    },
    get ctx() {
      return active().store.ctx;
    },
    get events() {
      return active().store.events;
    },
    get clock() {
      const { clock } = active();
      if (clock === undefined) throw new Error("useTempStore: this store runs on the system clock");
      return clock;
    },
  };
}
