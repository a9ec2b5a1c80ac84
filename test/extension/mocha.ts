/**
 * Runs mocha inside the extension host, for the `run()` entry points that
 * VS Code loads through `extensionTestsPath`.
 */
import { format } from 'node:util';
import Mocha = require('mocha');

/**
 * Marks the lines the tests print, when the runner sets it: the web workbench
 * forwards the extension host's console together with its own log, and the
 * runner shows only the marked lines.
 */
const OUTPUT_MARK = process.env.FALCO_E2E_OUTPUT_MARK;

/** Runs the test files with mocha and rejects when a test fails. */
export function runMocha(files: string[]): Promise<void> {
  if (OUTPUT_MARK) {
    const log = console.log.bind(console);
    const marked = (...args: unknown[]) => log(OUTPUT_MARK + format(...args));
    // Reporters print through Base.consoleLog, which mocha bound when it loaded.
    (Mocha.reporters.Base as unknown as { consoleLog: typeof marked }).consoleLog = marked;
    console.log = marked;
  }
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.FALCO_E2E_GREP;
  if (grep) mocha.grep(grep);
  for (const file of files) mocha.addFile(file);

  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed.`));
      else resolve();
    });
  });
}
