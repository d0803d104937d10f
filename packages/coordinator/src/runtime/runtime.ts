/**
 * One process's handle on a workspace's teams: the shared store, the event log, tmux clients for the team servers
 * and the leader's server, and the provider plugins each team was started with. The CLI opens one per command, the
 * daemon one for its life, the MCP server one per worker.
 */
import {
  type EventSink,
  RuntimeStore,
  resolveExistingPath,
  type TeamRow,
  TeamRuntimeError,
  type TeamSpec,
  teamSpecSchema,
  type WorkspaceLayout,
  workspaceLayout,
} from "@team-agent/core-state";
import { discoverProviders, type ProviderRegistry } from "@team-agent/provider-registry";
import {
  ControlTransport,
  SpawnTransport,
  TmuxClient,
  type TmuxServer,
  type TmuxTransport,
} from "@team-agent/tmux-prompt";
import { readTeamRuntimeConfig, type TeamRuntimeConfig } from "./team-config.js";

export type TmuxTransportKind = "spawn" | "control";

export interface OpenRuntimeOptions {
  workspace: string;
  events?: EventSink;
  /** `control` keeps one tmux connection per server (the daemon); `spawn` runs a process per call (short commands). */
  tmuxTransport?: TmuxTransportKind;
  /** SQLite busy timeout; the daemon keeps it short so a locked store degrades a tick instead of freezing it. */
  busyTimeoutMs?: number;
  /** Plugins to use instead of loading each team's recorded plugin sources (tests, the CLI's own registry). */
  registry?: ProviderRegistry;
}

export class TeamRuntime {
  readonly workspace: string;
  readonly layout: WorkspaceLayout;
  readonly store: RuntimeStore;
  readonly events: EventSink;
  private readonly transportKind: TmuxTransportKind;
  private readonly clients = new Map<string, TmuxClient>();
  private readonly registries = new Map<string, Promise<ProviderRegistry>>();
  private readonly givenRegistry: ProviderRegistry | undefined;

  private constructor(workspace: string, store: RuntimeStore, options: OpenRuntimeOptions) {
    this.workspace = workspace;
    this.layout = workspaceLayout(workspace);
    this.store = store;
    this.events = store.context.events;
    this.transportKind = options.tmuxTransport ?? "spawn";
    this.givenRegistry = options.registry;
  }

  static async open(options: OpenRuntimeOptions): Promise<TeamRuntime> {
    const workspace = resolveExistingPath(options.workspace);
    const store = await RuntimeStore.openWorkspace(workspace, {
      ...(options.events ? { events: options.events } : {}),
      ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
    });
    return new TeamRuntime(workspace, store, options);
  }

  /** The team a command means: by id or session name, else the workspace's active team. */
  team(selector?: string | null): TeamRow {
    return this.store.teams.selectTeam(selector ?? null);
  }

  spec(team: TeamRow): TeamSpec {
    const parsed = teamSpecSchema.safeParse(team.spec);
    if (parsed.success) return parsed.data;
    throw new TeamRuntimeError(
      "team_spec_missing",
      `Team ${team.team_id} has no valid stored spec.`,
      "Start the team again from its team.spec.yaml or team directory.",
    );
  }

  config(team: TeamRow): TeamRuntimeConfig {
    return readTeamRuntimeConfig(team);
  }

  /** A client for the team's own tmux server. */
  teamTmux(team: TeamRow): TmuxClient {
    return this.tmux({ socketName: this.config(team).tmux_socket });
  }

  /** A client for any server (the leader's pane usually lives on the user's own server). */
  tmux(server: TmuxServer): TmuxClient {
    const key = JSON.stringify(server);
    let client = this.clients.get(key);
    if (client === undefined) {
      const transport: TmuxTransport =
        this.transportKind === "control" ? new ControlTransport(server) : new SpawnTransport(server);
      client = new TmuxClient(transport);
      this.clients.set(key, client);
    }
    return client;
  }

  /** Processes spawned by every tmux transport so far (benchmarks). */
  tmuxProcessesSpawned(): number {
    let total = 0;
    for (const client of this.clients.values()) total += client.transport.processesSpawned;
    return total;
  }

  /** The team's provider plugins, loaded once from the sources recorded at start. */
  providers(team: TeamRow): Promise<ProviderRegistry> {
    if (this.givenRegistry !== undefined) return Promise.resolve(this.givenRegistry);
    const config = this.config(team);
    const paths = Object.values(config.provider_sources).sort();
    const key = paths.join("\n");
    let loading = this.registries.get(key);
    if (loading === undefined) {
      loading = discoverProviders({ paths, searchFrom: null, runtimePackageJson: null });
      this.registries.set(key, loading);
    }
    return loading;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.transport.close()));
    this.clients.clear();
    this.store.close();
  }
}
