/** `uninstall`: undo exactly what the manifest says install and add-provider wrote, restoring what they replaced. */
import type { CommandResult, InstallerContext } from "../context.js";
import { success } from "../envelope.js";
import { readManifest } from "../manifest.js";
import { displayPath } from "../paths.js";
import { undoManifest } from "../undo.js";

export async function uninstallCommand(context: InstallerContext): Promise<CommandResult> {
  const { paths, options } = context;
  const manifest = readManifest(paths.manifestFile);
  if (manifest === null) {
    return {
      envelope: success(`nothing to uninstall: there is no install manifest at ${paths.manifestFile}`, {
        dry_run: options.dryRun,
        steps: [],
      }),
    };
  }
  const steps = undoManifest(manifest, paths.manifestFile, options.dryRun);
  const count = (result: string) => steps.filter((step) => step.result === result).length;
  const kept = steps.filter((step) => step.result === "kept");
  const verb = options.dryRun ? "would remove" : "removed";
  const summary =
    `${options.dryRun ? "uninstall (dry run)" : "uninstalled team-agent"}: ${verb} ${count("removed")}, ` +
    `${options.dryRun ? "would restore" : "restored"} ${count("restored") + count("edited")}` +
    (kept.length > 0 ? `, kept ${kept.length} that changed since install` : "");
  const show = (path: string) => displayPath(path, paths.home);
  const text = [
    summary,
    ...steps
      .filter((step) => step.result !== "absent")
      .map((step) => `  ${step.result.padEnd(8)} ${show(step.path)}${step.reason ? `  (${step.reason})` : ""}`),
  ].join("\n");
  const nextActions = kept.map(
    (step) => `Look at ${step.path}: ${step.reason}; remove it yourself if you do not need it.`,
  );
  return { envelope: success(summary, { dry_run: options.dryRun, steps }, nextActions), text };
}
