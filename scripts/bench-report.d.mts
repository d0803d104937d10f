export declare function writeBenchReport(packageName: string, rows: Array<Record<string, string | number>>): string;
