import { describe, expect, it } from "vitest";
import { parseInstallerArgs } from "../../src/args.js";
import { InstallerError } from "../../src/envelope.js";

function usageMessage(argv: string[]): string {
  try {
    parseInstallerArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(InstallerError);
    expect((error as InstallerError).code).toBe("usage_error");
    return (error as Error).message;
  }
  throw new Error(`expected a usage error for ${JSON.stringify(argv)}`);
}

describe("parseInstallerArgs", () => {
  it("runs install when no command is given, with every option off", () => {
    expect(parseInstallerArgs([])).toEqual({
      kind: "run",
      command: "install",
      operand: null,
      options: { dryRun: false, json: false, binDir: null, dataDir: null },
    });
  });

  it("takes options before, after and between words, as --opt value or --opt=value", () => {
    const parsed = parseInstallerArgs([
      "--json",
      "add-provider",
      "--bin-dir",
      "~/bin",
      "./p.tgz",
      "--data-dir=/d",
      "--dry-run",
    ]);
    expect(parsed).toEqual({
      kind: "run",
      command: "add-provider",
      operand: "./p.tgz",
      options: { dryRun: true, json: true, binDir: "~/bin", dataDir: "/d" },
    });
  });

  it("accepts update as another name for install, and -- before an operand that starts with a dash", () => {
    expect(parseInstallerArgs(["update"])).toMatchObject({ command: "install" });
    expect(parseInstallerArgs(["add-provider", "--", "-odd-name"])).toMatchObject({ operand: "-odd-name" });
  });

  it("answers help for help, -h and --help anywhere", () => {
    expect(parseInstallerArgs(["help"])).toEqual({ kind: "help" });
    expect(parseInstallerArgs(["status", "-h"])).toEqual({ kind: "help" });
    expect(parseInstallerArgs(["--json", "--help"])).toEqual({ kind: "help" });
  });

  it("refuses unknown commands and options with a one-line message", () => {
    expect(usageMessage(["instal"])).toBe("unknown command: instal");
    expect(usageMessage(["install", "--prefix", "/x"])).toBe("unknown option: --prefix");
    expect(usageMessage(["--json=yes"])).toBe("option --json takes no value");
  });

  it("refuses a missing directory, a missing package and extra arguments", () => {
    expect(usageMessage(["--bin-dir"])).toBe("option --bin-dir needs a directory");
    expect(usageMessage(["--data-dir", "--json"])).toBe("option --data-dir needs a directory");
    expect(usageMessage(["--bin-dir="])).toBe("option --bin-dir needs a directory");
    expect(usageMessage(["add-provider"])).toMatch(/^add-provider needs a PACKAGE/);
    expect(usageMessage(["status", "extra"])).toBe("unexpected argument: extra");
    expect(usageMessage(["add-provider", "a.tgz", "b.tgz"])).toBe("unexpected argument: b.tgz");
  });
});
