/**
 * Entry point of the extension-host suite: VS Code loads this module through
 * `extensionTestsPath` and calls `run()`. Every compiled `*.test.js` file in
 * this folder and below is part of the suite, so adding a test means adding a
 * `test/extension/<name>.test.ts`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runMocha } from './mocha';

export function run(): Promise<void> {
  const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .sort()
    .map((file) => join(__dirname, file));
  return runMocha(files);
}
