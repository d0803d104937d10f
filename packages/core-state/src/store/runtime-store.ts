import { EventLog, type EventSink } from "../events.js";
import { ensureWorkspace } from "../workspace.js";
import { AgentsRepo } from "./agents.js";
import type { StoreContext } from "./connection.js";
import { AgentHealthRepo } from "./health.js";
import { LeaderBindingRepo } from "./leader.js";
import { CoordinatorLeaseRepo } from "./lease.js";
import { MessagesRepo } from "./messages.js";
import type { MigrationReport } from "./migrations.js";
import { MonitorStateRepo } from "./monitor.js";
import { LeaderNotificationLog } from "./notification-log.js";
import { type OpenStoreOptions, openStoreContext } from "./open.js";
import { PeerAllowlistRepo } from "./peers.js";
import { ResultsRepo } from "./results.js";
import { ScheduledMessagesRepo } from "./scheduled.js";
import { WorkspaceSettingsRepo } from "./settings.js";
import { TasksRepo } from "./tasks.js";
import { TeamsRepo } from "./teams.js";
import { ResultWatchersRepo } from "./watchers.js";

/**
 * The workspace's runtime store (D1): one SQLite file, one repository per kind of row. Every method is a short
 * transaction on the rows it touches, so the CLI, the coordinator and the MCP servers can share the file.
 */
export class RuntimeStore {
  readonly context: StoreContext;
  readonly migration: MigrationReport;
  readonly settings: WorkspaceSettingsRepo;
  readonly teams: TeamsRepo;
  readonly agents: AgentsRepo;
  readonly tasks: TasksRepo;
  readonly leader: LeaderBindingRepo;
  readonly lease: CoordinatorLeaseRepo;
  readonly monitor: MonitorStateRepo;
  readonly health: AgentHealthRepo;
  readonly messages: MessagesRepo;
  readonly results: ResultsRepo;
  readonly watchers: ResultWatchersRepo;
  readonly notifications: LeaderNotificationLog;
  readonly scheduled: ScheduledMessagesRepo;
  readonly peers: PeerAllowlistRepo;

  private constructor(context: StoreContext, migration: MigrationReport) {
    this.context = context;
    this.migration = migration;
    this.settings = new WorkspaceSettingsRepo(context);
    this.teams = new TeamsRepo(context, this.settings);
    this.agents = new AgentsRepo(context);
    this.tasks = new TasksRepo(context);
    this.leader = new LeaderBindingRepo(context);
    this.lease = new CoordinatorLeaseRepo(context);
    this.monitor = new MonitorStateRepo(context);
    this.health = new AgentHealthRepo(context);
    this.messages = new MessagesRepo(context);
    this.results = new ResultsRepo(context);
    this.watchers = new ResultWatchersRepo(context);
    this.notifications = new LeaderNotificationLog(context);
    this.scheduled = new ScheduledMessagesRepo(context);
    this.peers = new PeerAllowlistRepo(context);
  }

  /** Opens (creating and migrating as needed) the store file at `dbPath`. */
  static async open(dbPath: string, options: OpenStoreOptions = {}): Promise<RuntimeStore> {
    const { context, migration } = await openStoreContext(dbPath, options);
    return new RuntimeStore(context, migration);
  }

  /** Creates the private `.team/` dirs if needed and opens `<root>/.team/runtime/team.db`, with events going to `<root>/.team/logs/events.jsonl` unless given. */
  static async openWorkspace(
    root: string,
    options: OpenStoreOptions & { events?: EventSink } = {},
  ): Promise<RuntimeStore> {
    const layout = ensureWorkspace(root);
    return RuntimeStore.open(layout.dbPath, { ...options, events: options.events ?? new EventLog(layout.eventsPath) });
  }

  get path(): string {
    return this.context.path;
  }

  close(): void {
    if (this.context.db.open) this.context.db.close();
  }
}
