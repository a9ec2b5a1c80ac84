// State that test/e2e/run.mjs shares with the Playwright test files it loads:
// the running code-server, the browser, and folders for workspaces and screenshots.
export const session = {
  /** @type {{ url: URL, port: number } | undefined} */
  server: undefined,
  /** @type {import('playwright-core').Browser | undefined} */
  browser: undefined,
  /** Folder under which each UI test creates its workspace. */
  scratch: '',
  /** Folder for screenshots. */
  screenshots: '',
};
