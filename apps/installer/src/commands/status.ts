/** `status`: what is installed, and where (from the manifest, checked against the disk). */
import { join } from "node:path";
import type { CommandResult, InstallerContext } from "../context.js";
import { success } from "../envelope.js";
import { readManifest, sha256File } from "../manifest.js";
import { displayPath } from "../paths.js";
import { readCurrent } from "../runtime.js";

export async function statusCommand(context: InstallerContext): Promise<CommandResult> {
  const { paths } = context;
  const manifest = readManifest(paths.manifestFile);
  if (manifest === null) {
    return {
      envelope: success(
        `team-agent is not installed here (no manifest at ${paths.manifestFile})`,
        { installed: false, data_dir: paths.dataDir },
        ["npx @team-agent/installer@latest install"],
      ),
    };
  }
  const shimEntry = manifest.entries.find((entry) => entry.path === manifest.shim);
  const shimIntact = shimEntry !== undefined && "sha256" in shimEntry && sha256File(manifest.shim) === shimEntry.sha256;
  const current = readCurrent(join(manifest.runtime.root, "current"));
  const data = {
    installed: true,
    version: manifest.cli_version,
    installer_version: manifest.installer_version,
    data_dir: paths.dataDir,
    runtime: {
      dir: join(manifest.runtime.root, manifest.runtime.active),
      active: manifest.runtime.active,
      current_target: current,
      previous: manifest.runtime.previous,
    },
    shim: { path: manifest.shim, intact: shimIntact },
    node: manifest.node,
    skill_dirs: manifest.skill_dirs,
    providers: manifest.providers,
  };
  const show = (path: string) => displayPath(path, paths.home);
  const text = [
    `team-agent ${manifest.cli_version} (installer ${manifest.installer_version})`,
    `  runtime    ${show(data.runtime.dir)}${current === manifest.runtime.active ? "" : `  (current → ${current ?? "missing"}!)`}`,
    `  rollback   ${manifest.runtime.previous ?? "none"}`,
    `  command    ${show(manifest.shim)}${shimIntact ? "" : "  (changed or missing!)"}`,
    `  node       ${manifest.node}`,
    `  skill      ${manifest.skill_dirs.map(show).join(", ")}`,
    `  providers  ${manifest.providers.map((each) => `${each.provider} (${each.package})`).join(", ") || "none added"}`,
  ].join("\n");
  return { envelope: success(`team-agent ${manifest.cli_version} is installed`, data), text };
}
