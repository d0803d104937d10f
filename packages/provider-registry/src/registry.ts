/**
 * The set of provider plugins a runtime can use, keyed by canonical name and alias. Core code asks
 * `registry.get(nameFromTheSpec)` and never imports a provider by name (D5). Plugins that failed to load stay
 * visible as `problems`, so `get()` of a broken plugin explains what is wrong instead of saying "unknown".
 */
import { type TeamAgentError, TeamRuntimeError } from "@team-agent/core-state";
import type { ProviderPlugin } from "./contract.js";
import { checkProviderPlugin } from "./schema.js";

/** Where a plugin came from; shown in conflicts, problems and `team-agent doctor`. */
export type ProviderOrigin = "builtin" | "explicit" | "node_modules" | "inline";

export interface ProviderSource {
  origin: ProviderOrigin;
  /** The npm package name, or null for an inline plugin or a bare entry file. */
  packageName: string | null;
  packageVersion: string | null;
  /** The package folder (symlinks resolved), or null. */
  packageDir: string | null;
  /** The module file that was imported, or null for an inline plugin. */
  entry: string | null;
}

export interface ProviderRegistryEntry {
  name: string;
  /** Aliases that resolve to this plugin (an alias lost to an earlier plugin is not listed). */
  aliases: readonly string[];
  plugin: ProviderPlugin;
  source: ProviderSource;
}

/** A plugin package that could not be used, or a name it could not claim. */
export interface ProviderProblem {
  /** Package name, else the path or label the plugin was loaded from. */
  package: string;
  origin: ProviderOrigin;
  /** Provider names this problem concerns (from the manifest or the plugin, when readable); used by `get()`. */
  providerNames: readonly string[];
  error: TeamAgentError;
}

/** `claude-code`, ` Claude_Code ` → `claude_code`: names are lower-case with `_`, so this never merges two names. */
export function normalizeProviderName(nameOrAlias: string): string {
  return nameOrAlias.trim().toLowerCase().replace(/-/g, "_");
}

export const INSTALL_HINT =
  "To add a provider, install its plugin package (named team-agent-provider-<name> or @<scope>/team-agent-provider-<name>) " +
  "into the project's node_modules, or list the plugin's folder or entry file in the explicit plugin paths of your " +
  "Team Agent config.";

export function sourceLabel(source: ProviderSource, fallback: string): string {
  return source.packageName ?? source.entry ?? source.packageDir ?? fallback;
}

export class ProviderRegistry {
  readonly #byName = new Map<string, ProviderRegistryEntry>();
  /** alias → canonical name */
  readonly #aliases = new Map<string, string>();
  readonly #problems: ProviderProblem[] = [];

  /** A registry over plugins already in hand (tests, embedders). Invalid ones become problems, like discovered ones. */
  static fromPlugins(plugins: readonly unknown[], origin: ProviderOrigin = "inline"): ProviderRegistry {
    const registry = new ProviderRegistry();
    for (const plugin of plugins) {
      registry.add(plugin, { origin, packageName: null, packageVersion: null, packageDir: null, entry: null });
    }
    return registry;
  }

  /**
   * Validates and registers one plugin. First come, first served: a later plugin with a taken name is rejected and
   * a later alias that is taken is dropped; both are recorded as problems. Returns the entry, or null when rejected.
   */
  add(plugin: unknown, source: ProviderSource): ProviderRegistryEntry | null {
    const claimed = namesOf(plugin);
    const label = sourceLabel(source, claimed[0] === undefined ? "inline plugin" : `inline plugin "${claimed[0]}"`);
    const checked = checkProviderPlugin(plugin, label);
    if (!checked.ok) {
      this.addProblem({ package: label, origin: source.origin, providerNames: claimed, error: checked.error });
      return null;
    }
    const valid = checked.value;
    const holder = this.#holderOf(valid.name);
    if (holder) {
      this.addProblem({
        package: label,
        origin: source.origin,
        providerNames: [],
        error: new TeamRuntimeError(
          "provider_name_conflict",
          `${label}: provider name "${valid.name}" is already taken by ${describeHolder(holder, valid.name)}; ${label} was not loaded`,
          "Uninstall one of the two packages or remove one from the explicit plugin paths; a third-party plugin must pick a name of its own.",
          { details: { name: valid.name, kept: sourceLabel(holder.source, holder.name), rejected: label } },
        ),
      });
      return null;
    }
    const aliases: string[] = [];
    for (const alias of valid.aliases) {
      const aliasHolder = this.#holderOf(alias);
      if (aliasHolder) {
        this.addProblem({
          package: label,
          origin: source.origin,
          providerNames: [],
          error: new TeamRuntimeError(
            "provider_alias_conflict",
            `${label}: alias "${alias}" of provider "${valid.name}" is already taken by ${describeHolder(aliasHolder, alias)}; the alias was dropped, "${valid.name}" still works`,
            `Refer to the provider as "${valid.name}", or remove the alias from one of the two plugins.`,
            { details: { alias, name: valid.name, kept: sourceLabel(aliasHolder.source, aliasHolder.name) } },
          ),
        });
        continue;
      }
      aliases.push(alias);
    }
    const entry: ProviderRegistryEntry = { name: valid.name, aliases, plugin: valid, source };
    this.#byName.set(valid.name, entry);
    for (const alias of aliases) this.#aliases.set(alias, valid.name);
    return entry;
  }

  addProblem(problem: ProviderProblem): void {
    this.#problems.push(problem);
  }

  /** Plugins that failed to load and names that could not be claimed, in discovery order. */
  get problems(): readonly ProviderProblem[] {
    return this.#problems;
  }

  /** The canonical name for a name or alias, or null. */
  resolveName(nameOrAlias: string): string | null {
    const key = normalizeProviderName(nameOrAlias);
    if (this.#byName.has(key)) return key;
    return this.#aliases.get(key) ?? null;
  }

  has(nameOrAlias: string): boolean {
    return this.resolveName(nameOrAlias) !== null;
  }

  /** The entry (plugin + where it came from) for a name or alias, or undefined. */
  entry(nameOrAlias: string): ProviderRegistryEntry | undefined {
    const name = this.resolveName(nameOrAlias);
    return name === null ? undefined : this.#byName.get(name);
  }

  /**
   * The plugin for a name or alias. Throws `provider_plugin_broken` when a plugin claiming that name failed to load
   * (with its reason), else `unknown_provider` listing the known names and how to install a plugin.
   */
  get(nameOrAlias: string): ProviderPlugin {
    const found = this.entry(nameOrAlias);
    if (found) return found.plugin;
    const key = normalizeProviderName(nameOrAlias);
    const broken = this.#problems.filter((problem) => problem.providerNames.includes(key));
    if (broken.length > 0) {
      const reasons = broken.map((problem) => problem.error.message).join("\n");
      throw new TeamRuntimeError(
        "provider_plugin_broken",
        `Provider "${nameOrAlias}" is installed but its plugin could not be loaded:\n${reasons}`,
        broken[0]!.error.action,
        { details: { provider: key, packages: broken.map((problem) => problem.package) } },
      );
    }
    throw new TeamRuntimeError(
      "unknown_provider",
      `Unknown provider "${nameOrAlias}". Known providers: ${this.describeKnown()}.`,
      `Use one of the known provider names. ${INSTALL_HINT}`,
      { details: { provider: nameOrAlias, known: this.names() } },
    );
  }

  /** All loaded plugins, sorted by name. */
  list(): ProviderRegistryEntry[] {
    return [...this.#byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Canonical names, sorted. */
  names(): string[] {
    return this.list().map((entry) => entry.name);
  }

  /** `claude_code (alias claude), codex, fake`, or `none` */
  describeKnown(): string {
    const parts = this.list().map((entry) =>
      entry.aliases.length === 0
        ? entry.name
        : `${entry.name} (alias${entry.aliases.length > 1 ? "es" : ""} ${entry.aliases.join(", ")})`,
    );
    return parts.length === 0 ? "none" : parts.join(", ");
  }

  #holderOf(nameOrAlias: string): ProviderRegistryEntry | undefined {
    return this.#byName.get(nameOrAlias) ?? this.#byName.get(this.#aliases.get(nameOrAlias) ?? "");
  }
}

function describeHolder(holder: ProviderRegistryEntry, claimed: string): string {
  const from = `${sourceLabel(holder.source, `inline plugin "${holder.name}"`)} (${holder.source.origin})`;
  return holder.name === claimed ? from : `provider "${holder.name}" from ${from}, as an alias`;
}

/** Best-effort names a malformed plugin claims, so `get()` can explain why that name is broken. */
export function namesOf(plugin: unknown): string[] {
  if (typeof plugin !== "object" || plugin === null) return [];
  const record = plugin as { name?: unknown; aliases?: unknown };
  const names = typeof record.name === "string" ? [normalizeProviderName(record.name)] : [];
  if (Array.isArray(record.aliases)) {
    for (const alias of record.aliases) if (typeof alias === "string") names.push(normalizeProviderName(alias));
  }
  return names;
}
