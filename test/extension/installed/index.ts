/**
 * Entry point of the smoke test against the extension as installed from the
 * .vsix: loaded through `extensionTestsPath` with no development folder, so
 * the extension under test is the installed copy.
 */
import { join } from 'node:path';
import { runMocha } from '../mocha';

export function run(): Promise<void> {
  return runMocha([join(__dirname, 'smoke.js')]);
}
