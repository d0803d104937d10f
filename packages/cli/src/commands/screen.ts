/** `team-agent screen classify`: the classifier's verdict on a saved pane capture (debugging stuck workers). */
import { readFileSync } from "node:fs";
import { success, usageError } from "@team-agent/core-state";
import { classifyScreen } from "@team-agent/tmux-prompt";
import type { CommandModule } from "../cli/command.js";

function readInput(file: string | undefined): string {
  if (file === undefined || file === "-") return readFileSync(0, "utf8");
  return readFileSync(file, "utf8");
}

export const screenClassifyCommand: CommandModule = {
  async run(context, args) {
    const widthText = args.values["width"] as string | undefined;
    const width = widthText === undefined ? undefined : Number(widthText);
    if (width !== undefined && (!Number.isInteger(width) || width < 10 || width > 1000)) {
      throw usageError(
        `--width must be a whole number of columns (10-1000), got ${widthText}`,
        "Pass the pane's width, e.g. --width 160.",
      );
    }
    const registry = await context.registry();
    const providerName = args.values["provider"] as string | undefined;
    const plugins = providerName ? [registry.get(providerName)] : registry.list().map((entry) => entry.plugin);
    const capture = readInput(args.positionals[0]);
    const result = classifyScreen(capture, {
      signatures: plugins.map((plugin) => plugin.screen.signatures),
      ...(width !== undefined ? { paneWidth: width } : {}),
    });
    const verdict = {
      kind: result.kind,
      provider: result.provider ?? null,
      rule: result.rule,
      notices: result.notices,
      ...(result.trustPath !== undefined ? { trust_path: result.trustPath } : {}),
      ...(result.options ? { options: result.options } : {}),
      ...(result.placeholder ? { placeholder: result.placeholder } : {}),
      ...(result.staleKind ? { stale_kind: result.staleKind } : {}),
      signatures_from: plugins.map((plugin) => plugin.name),
    };
    const lines = [
      `${result.kind}${result.provider ? ` (${result.provider})` : ""} — rule: ${result.rule}`,
      ...(result.trustPath !== undefined ? [`trust path: ${result.trustPath}`] : []),
      ...(result.options ?? []).map((option) => `${option.highlighted ? "❯" : " "} ${option.number}. ${option.label}`),
      ...result.notices.map((notice) => `notice: ${JSON.stringify(notice)}`),
    ];
    return { envelope: success(`screen: ${result.kind}`, verdict), text: lines.join("\n") };
  },
};
