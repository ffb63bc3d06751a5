// The developer tools as a person runs them: the built program (`npm run build:tools` puts it in
// build/tools/), its exit code and what it printed. For the tools' smoke tests (test/tools/).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { ROOT_DIR } from '../../src/paths.js';

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The developer tools, by their `npm run` name. */
export type ToolName = 'bench' | 'stress' | 'cluster' | 'admin';

/** The built entry point of `npm run <name>`. */
export const toolMain = (name: ToolName): string => path.join(ROOT_DIR, `build/tools/${name}/main.js`);

/** Expects the tool to be built, saying how it is. */
export function expectBuilt(name: ToolName): void {
  expect(fs.existsSync(toolMain(name)), `build/tools/${name}/main.js is built by \`npm test\` (npm run build:tools)`).toBe(true);
}

/** Runs the built tool with `args` (and this process's environment, or `env`) to its end. */
export function runTool(name: ToolName, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ToolRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [toolMain(name), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
