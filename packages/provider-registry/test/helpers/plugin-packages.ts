/**
 * Writes throwaway plugin packages (plain ESM JavaScript, as a third party would publish them) into temp folders.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export function tempDir(prefix = "ta-registry-"): { dir: string; cleanup: () => void } {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Source of a minimal valid plugin module. `patch` is JavaScript run on `plugin` before it is exported, so a test
 * can break exactly one field (`delete plugin.buildLaunch`).
 */
export function pluginModuleSource(name: string, options: { aliases?: string[]; patch?: string } = {}): string {
  return `
const plan = (worker, mcp, extra) => ({
  argv: ["${name}-cli", "--mcp-config", JSON.stringify({ mcpServers: { [mcp.name]: { command: mcp.command, args: mcp.args, env: mcp.env } } }), ...extra],
  env: {},
  files: [],
  predeterminedSessionId: null,
  afterStartKeys: [],
});
const plugin = {
  contractVersion: 1,
  name: ${JSON.stringify(name)},
  aliases: ${JSON.stringify(options.aliases ?? [])},
  displayName: "${name} CLI",
  version: "1.0.0",
  command: "${name}-cli",
  capabilities: { resume: false, fork: false, transcripts: false },
  buildLaunch: (worker, mcp) => plan(worker, mcp, []),
  buildResume() {
    const error = new Error("resume is not supported");
    error.code = "resume_unavailable";
    error.action = "Start the worker fresh.";
    throw error;
  },
  screen: {
    signatures: { inputPrompt: [/^${name}> /] },
    paste: { bracketed: true, submitKey: "Enter", delayBeforeSubmitMs: 50, maxSubmitPresses: 2 },
    exitText: "/exit",
  },
  prompts: [],
  mcpToolName: (tool) => "team_orchestrator." + tool,
  transcripts: null,
  probe: {
    isInstalled: async () => false,
    version: async () => null,
    authHint: async () => ({ status: "unknown", detail: "" }),
  },
};
${options.patch ?? ""}
export default plugin;
`;
}

export interface PackageSpec {
  /** npm name, e.g. `team-agent-provider-demo` or `@acme/team-agent-provider-x`. */
  name: string;
  /** package.json fields merged over the defaults (`type`, `version`, `exports`). */
  packageJson?: Record<string, unknown>;
  /** Files relative to the package folder; default: `index.js` = a valid plugin named after the manifest. */
  files?: Record<string, string>;
}

/** Writes a package into `<nodeModulesParent>/node_modules/<name>` (or into `dir` itself when `at` is given). */
export function writePackage(root: string, spec: PackageSpec, at?: string): string {
  const dir = at ?? path.join(root, "node_modules", ...spec.name.split("/"));
  mkdirSync(dir, { recursive: true });
  const packageJson = { name: spec.name, version: "1.0.0", type: "module", exports: "./index.js", ...spec.packageJson };
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(packageJson, null, 2)}\n`);
  for (const [file, content] of Object.entries(spec.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** A valid third-party plugin package whose manifest and plugin both say `provider`. */
export function writePluginPackage(
  root: string,
  name: string,
  provider: string,
  options: { aliases?: string[]; patch?: string; manifest?: Record<string, unknown>; at?: string } = {},
): string {
  return writePackage(
    root,
    {
      name,
      packageJson: {
        teamAgent: options.manifest ?? { provider, ...(options.aliases ? { aliases: options.aliases } : {}) },
      },
      files: { "index.js": pluginModuleSource(provider, options) },
    },
    options.at,
  );
}
