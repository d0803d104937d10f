/**
 * `add-provider PACKAGE`: installs a third-party provider plugin with `npm install --prefix <data>/providers`
 * (a tarball or folder needs no network; a registry spec does), checks it declares a `teamAgent` provider, adds
 * its folder to the user config's `provider_paths` (where the CLI's registry looks), records all of it for
 * uninstall, and asks the installed CLI whether it now sees the provider.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { addProviderPath } from "../config.js";
import { type CommandResult, describeFailure, type InstallerContext, runTeamAgent } from "../context.js";
import { failure, InstallerError, success } from "../envelope.js";
import { fileStamp, type InstalledProvider, Journal, readManifest, writeManifest } from "../manifest.js";
import { expandHome } from "../paths.js";
import { runProcess } from "../process.js";

type Dependencies = Record<string, string>;

function readDependencies(prefix: string): Dependencies {
  try {
    const manifest = JSON.parse(readFileSync(join(prefix, "package.json"), "utf8")) as { dependencies?: Dependencies };
    return manifest.dependencies ?? {};
  } catch {
    return {};
  }
}

/** A spec that names something on disk (`./x.tgz`, `~/dev/plugin`, `/abs`) becomes an absolute path. */
export function normaliseSpec(spec: string, home: string, cwd: string): string {
  const looksLikePath = /^(\.{1,2}(\/|$)|~(\/|$)|\/)/.test(spec) || existsSync(resolve(cwd, spec));
  return looksLikePath ? expandHome(spec, home, cwd) : spec;
}

/** The package name in a registry spec: `@scope/name@^1` → `@scope/name`, `name@1.2` → `name`. */
export function registryName(spec: string): string | null {
  const match = /^((?:@[^/@\s]+\/)?[^/@\s]+)(?:@.*)?$/.exec(spec);
  return match ? (match[1] as string) : null;
}

/**
 * Which dependency npm added for `spec`: the one entry that changed; else (a re-install) the `file:` entry pointing
 * at the same path, or the spec's package name.
 */
export function installedPackageName(
  before: Dependencies,
  after: Dependencies,
  spec: string,
  prefix: string,
): string | null {
  const changed = Object.keys(after).filter((name) => after[name] !== before[name]);
  if (changed.length === 1) return changed[0] as string;
  const byPath = Object.keys(after).find((name) => {
    const value = after[name] as string;
    return value.startsWith("file:") && resolve(prefix, value.slice("file:".length)) === spec;
  });
  if (byPath !== undefined) return byPath;
  const named = registryName(spec);
  return named !== null && named in after ? named : null;
}

function providerNameOf(packageDir: string): string | null {
  try {
    const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
      teamAgent?: { provider?: unknown };
    };
    return typeof manifest.teamAgent?.provider === "string" ? manifest.teamAgent.provider : null;
  } catch {
    return null;
  }
}

export async function addProviderCommand(context: InstallerContext): Promise<CommandResult> {
  const { io, paths, options } = context;
  const manifest = readManifest(paths.manifestFile);
  if (manifest === null) {
    throw new InstallerError(
      "not_installed",
      `team-agent is not installed here (no manifest at ${paths.manifestFile})`,
      "Run `npx @team-agent/installer@latest install` first.",
    );
  }
  const spec = normaliseSpec(context.operand as string, paths.home, io.cwd);
  const npmArgs = ["install", "--prefix", paths.providersDir, "--no-audit", "--no-fund", spec];
  if (options.dryRun) {
    return {
      envelope: success(`would run npm ${npmArgs.join(" ")} and add the plugin to ${paths.configFile} (dry run)`, {
        dry_run: true,
        spec,
        providers_dir: paths.providersDir,
        config_file: paths.configFile,
      }),
    };
  }

  const journal = new Journal(manifest.entries);
  const providers = [...manifest.providers];
  const save = () => writeManifest(paths.manifestFile, { ...manifest, providers, entries: journal.entries });
  let added: InstalledProvider;
  try {
    journal.ensureTree(paths.providersDir);
    const before = readDependencies(paths.providersDir);
    const npm = await runProcess("npm", npmArgs, { env: io.env, cwd: io.cwd, timeoutMs: 600_000 });
    if (npm.code !== 0) {
      const output = (npm.stderr || npm.stdout).trim().split("\n").slice(-8).join("\n");
      throw new InstallerError(
        "npm_install_failed",
        `npm install of ${spec} failed (${npm.failure ?? `exit ${npm.code}`}):\n${output}`,
        "Check the package spec (a .tgz file, a folder or a name on the registry) and your network, then retry.",
      );
    }
    const name = installedPackageName(before, readDependencies(paths.providersDir), spec, paths.providersDir);
    if (name === null) {
      throw new InstallerError(
        "provider_unknown_package",
        `npm installed ${spec} but the installer cannot tell which package it was`,
        `Look in ${join(paths.providersDir, "package.json")}; pass the package as a tarball, folder or name@version.`,
      );
    }
    const packageDir = join(paths.providersDir, "node_modules", name);
    const provider = providerNameOf(packageDir);
    if (provider === null) {
      await runProcess("npm", ["uninstall", "--prefix", paths.providersDir, name], { env: io.env, cwd: io.cwd });
      throw new InstallerError(
        "not_a_provider_plugin",
        `${name} is not a Team Agent provider plugin (its package.json has no "teamAgent": {"provider": ...})`,
        "Check the package name; a plugin author's guide is in the @team-agent/provider-registry README.",
      );
    }
    addProviderPath(paths.configFile, packageDir, journal, fileStamp());
    added = { package: name, provider, spec, path: packageDir };
    const at = providers.findIndex((each) => each.package === name);
    if (at >= 0) providers[at] = added;
    else providers.push(added);
  } finally {
    save();
  }

  // The CLI's registry is the judge: a plugin that fails its contract check shows up here as an error.
  const seen = await runTeamAgent(
    { command: manifest.shim, args: [] },
    ["screen", "classify", "--provider", added.provider, "--json", "-"],
    context,
    { input: "", timeoutMs: 60_000 },
  );
  const data = { dry_run: false, ...added, config_file: paths.configFile };
  if (seen.process.code !== 0) {
    const error = new InstallerError(
      "provider_not_visible",
      `installed ${added.package}, but team-agent does not see the provider "${added.provider}": ${describeFailure(seen)}`,
      "Run `team-agent doctor` to see why the plugin did not load.",
    );
    return { envelope: failure(error, data) };
  }
  return {
    envelope: success(`added provider ${added.provider} (${added.package}); team-agent sees it`, data, [
      `Use it in a role doc: provider: ${added.provider}`,
    ]),
  };
}
