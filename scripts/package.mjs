// Builds the extension and packages it as a .vsix with @vscode/vsce.
// Usage: node scripts/package.mjs [--out FILE] [--no-build]
// The bundles in out/ carry every dependency, so vsce skips node_modules
// (--no-dependencies), and .vscodeignore lists the files that go in.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(root, `${name}-${version}.vsix`) },
    'no-build': { type: 'boolean', default: false },
  },
});
const out = resolve(values.out);

if (!values['no-build']) {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
}
execFileSync(
  process.execPath,
  [
    join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
    'package',
    '--no-dependencies',
    // NOTE: the package has no repository URL yet, so relative README links stay
    // relative and there is no license file beside the manifest's license field.
    '--allow-missing-repository',
    '--no-rewrite-relative-links',
    '--skip-license',
    '--out',
    out,
  ],
  { cwd: root, stdio: 'inherit' },
);
const size = statSync(out).size;
console.log(`${relative(process.cwd(), out) || out}: ${(size / 1024).toFixed(0)} KiB`);
