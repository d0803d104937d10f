/**
 * Third-party provider plugins listed in the user config (`provider_paths`, as `installer add-provider` writes it)
 * reach the registry of the real `team-agent` bin: a throwaway plain-JS plugin in a temp folder is visible only
 * through the config, an invalid config fails naming the file, and no config at all changes nothing.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { userConfigPath } from "../../src/cli/context.js";
import { teamAgent } from "../helpers/cli.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  dirs.push(dir);
  return dir;
}

const PROVIDER = "lantern";
const BUSY_LINE = "~ lantern is thinking about it";

/** A plugin package as a third party would ship it: plain ESM, no dependencies, found only by its folder. */
function writeLanternPlugin(): string {
  const dir = join(tempDir("ta-plugin-"), "lantern-provider");
  mkdirSync(dir);
  const manifest = { name: "lantern-provider", version: "0.0.1", type: "module", exports: "./main.js" };
  writeFileSync(join(dir, "package.json"), JSON.stringify({ ...manifest, teamAgent: { provider: PROVIDER } }));
  writeFileSync(
    join(dir, "main.js"),
    `const launch = (worker, mcp) => ({
  argv: ["lantern", "--mcp", JSON.stringify(mcp)],
  env: {},
  files: [],
  predeterminedSessionId: null,
  afterStartKeys: [],
});
export default {
  contractVersion: 1,
  name: "${PROVIDER}",
  aliases: ["lamp"],
  displayName: "Lantern",
  version: "0.0.1",
  command: "lantern",
  capabilities: { resume: false, fork: false, transcripts: false },
  buildLaunch: launch,
  buildResume: () => {
    throw new Error("lantern cannot resume");
  },
  screen: {
    signatures: { provider: "${PROVIDER}", busy: [/lantern is thinking/], inputPrompt: [/^lantern\\$ /m] },
    paste: { bracketed: false, submitKey: "Enter", delayBeforeSubmitMs: 0, maxSubmitPresses: 1 },
    exitText: "/quit",
  },
  prompts: [],
  mcpToolName: (tool) => "team_orchestrator__" + tool,
  transcripts: null,
  probe: {
    isInstalled: async () => false,
    version: async () => null,
    authHint: async () => ({ status: "unknown", detail: "" }),
  },
};
`,
  );
  return dir;
}

/** An environment whose user config lives in a fresh folder (XDG_CONFIG_HOME, or HOME/.config when unset). */
function configEnv(layout: "xdg" | "home"): NodeJS.ProcessEnv {
  const root = tempDir("ta-config-");
  return layout === "xdg" ? { XDG_CONFIG_HOME: root } : { XDG_CONFIG_HOME: "", HOME: root };
}

function writeConfig(env: NodeJS.ProcessEnv, text: string): string {
  const file = userConfigPath(env);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
  return file;
}

type ClassifyJson = {
  ok: boolean;
  provider: string | null;
  kind: string;
  signatures_from: string[];
  error?: { code: string; message: string; action: string };
};

const classify = (env: NodeJS.ProcessEnv, provider = PROVIDER) =>
  teamAgent(["screen", "classify", "--provider", provider, "--json", "-"], {
    cwd: tempDir("ta-cwd-"),
    env,
    input: `${BUSY_LINE}\n`,
  });

describe("provider plugins from the user config", () => {
  it.each(["xdg", "home"] as const)("loads the plugin folders in provider_paths (config under %s)", async (layout) => {
    const env = configEnv(layout);
    const file = writeConfig(env, JSON.stringify({ provider_paths: [writeLanternPlugin()] }));
    expect(file.startsWith(layout === "xdg" ? env["XDG_CONFIG_HOME"]! : join(env["HOME"]!, ".config"))).toBe(true);

    for (const name of [PROVIDER, "lamp"]) {
      const run = await classify(env, name);
      expect(run.code, run.stderr).toBe(0);
      expect(run.json<ClassifyJson>()).toMatchObject({
        ok: true,
        kind: "busy",
        provider: PROVIDER,
        signatures_from: [PROVIDER],
      });
    }
  });

  it("does not know the plugin without a config file", async () => {
    writeLanternPlugin();
    const run = await classify(configEnv("xdg"));
    expect(run.code).toBe(1);
    expect(run.json<ClassifyJson>().error).toMatchObject({ code: "unknown_provider" });
  });

  it.each([
    ["broken JSON", "{ provider_paths: [", /is not valid JSON/],
    [
      "a relative path",
      JSON.stringify({ provider_paths: ["plugins/lantern"] }),
      /provider_paths\.0: expected an absolute path/,
    ],
    ["a string instead of a list", JSON.stringify({ provider_paths: "/opt/lantern" }), /provider_paths: .*array/],
  ])("fails with a clear error naming the file for %s", async (_label, text, problem) => {
    const env = configEnv("xdg");
    const file = writeConfig(env, text);
    const run = await classify(env);
    expect(run.code).toBe(1);
    const error = run.json<ClassifyJson>().error!;
    expect(error.code).toBe("user_config_invalid");
    expect(error.message).toContain(file);
    expect(error.message).toMatch(problem);
    expect(error.action).toContain(file);
  });
});
