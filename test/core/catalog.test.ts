import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  catalog,
  allEventParams,
  codesForEventName,
  fieldsForSource,
  findEvent,
  findField,
  findPriority,
  isFieldInSource,
  isKnownEventName,
  knownSources,
  operatorsForField,
  operatorsForType,
  resolveEventArg,
  resolveField,
} from '../../server/src/core/catalog';

/** Finds the repository root above the compiled test's folder (out/tsc/test/core) or the source's. */
function findRepoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'falco-pci-rules') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no falco-pci-rules package.json above ${__dirname}`);
    dir = parent;
  }
}

const root = findRepoRoot();
const readRepoFile = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

interface GeneratorModule {
  buildCatalogText(root: string): string;
}

interface LibsEventTable {
  libsCommit: string;
  eventCodeCount: number;
  events: Array<{ code: number; name: string }>;
  syscallNames: string[];
}

/** Rows of supported-fields.md, parsed here independently of the generator. */
function websiteFieldRows(): Array<{ name: string; type: string; fieldClass: string }> {
  const rows: Array<{ name: string; type: string; fieldClass: string }> = [];
  let fieldClass = '';
  for (const line of readRepoFile('data/upstream/supported-fields.md').split('\n')) {
    if (line.startsWith('### Field Class: ')) fieldClass = line.slice('### Field Class: '.length).trim();
    const row = /^`([^`]+)` \| ([A-Z0-9()]+) \|/.exec(line);
    if (row) rows.push({ name: row[1], type: row[2], fieldClass });
  }
  return rows;
}

/** Rows of a plugin README's field table, parsed here independently of the generator. */
function pluginFieldRows(plugin: string): Array<{ name: string; type: string; arg: string }> {
  const rows: Array<{ name: string; type: string; arg: string }> = [];
  for (const line of readRepoFile(`data/upstream/plugins/${plugin}.md`).split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 6 || !/^`[^`]+`$/.test(cells[1])) continue;
    rows.push({ name: cells[1].slice(1, -1), type: cells[2].slice(1, -1), arg: cells[3] });
  }
  return rows;
}

const PLUGIN_TYPES: Record<string, string> = { string: 'CHARBUF', uint64: 'UINT64', bool: 'BOOL', abstime: 'ABSTIME', reltime: 'RELTIME' };

describe('catalog fields', () => {
  it('holds every row of supported-fields.md', () => {
    const rows = websiteFieldRows();
    assert.equal(rows.length, 268);
    const containerRows = rows.filter((row) => row.fieldClass === 'container (plugin)');
    assert.equal(containerRows.length, 61);
    assert.equal(rows.length - containerRows.length, 207);

    for (const row of rows) {
      const field = findField(row.name);
      assert.ok(field, `${row.name} is missing`);
      const list = /^LIST\((.+)\)$/.exec(row.type);
      assert.equal(field.type, list ? list[1] : row.type, `type of ${row.name}`);
      assert.equal(field.isList, list !== null, `list flag of ${row.name}`);
      assert.equal(field.fieldClass, row.fieldClass, `class of ${row.name}`);
      assert.equal(field.plugin, row.fieldClass === 'container (plugin)' ? 'container' : undefined, `plugin of ${row.name}`);
    }
  });

  it('holds every plugin README field', () => {
    const expectedCounts: Record<string, number> = {
      container: 61, k8smeta: 25, k8saudit: 100, cloudtrail: 73, okta: 54, github: 25, gcpaudit: 25, json: 6,
    };
    for (const [plugin, count] of Object.entries(expectedCounts)) {
      const rows = pluginFieldRows(plugin);
      assert.equal(rows.length, count, `${plugin} row count`);
      for (const row of rows) {
        const field = findField(row.name);
        assert.ok(field, `${plugin} field ${row.name} is missing`);
        assert.equal(field.plugin, plugin, `plugin of ${row.name}`);
        assert.equal(field.type, PLUGIN_TYPES[row.type.replace(' (list)', '')], `type of ${row.name}`);
        assert.equal(field.isList, row.type.endsWith(' (list)'), `list flag of ${row.name}`);
        let expectedArg = 'optional';
        if (row.arg.includes('Required')) expectedArg = 'required';
        if (row.arg === 'None') expectedArg = 'none';
        assert.equal(field.arg, expectedArg, `argument of ${row.name}`);
      }
    }
  });

  it('counts libs, supplement and plugin fields', () => {
    assert.equal(catalog.fields.filter((field) => field.plugin === undefined).length, 207 + 25);
    assert.equal(catalog.fields.length, 601);
    assert.equal(new Set(catalog.fields.map((field) => field.name)).size, catalog.fields.length);
  });

  it('adds the deprecated libs fields', () => {
    const websiteNames = new Set(websiteFieldRows().map((row) => row.name));
    const expected: Record<string, string> = {
      'evt.dir': 'CHARBUF',
      'evt.latency': 'RELTIME',
      'evt.latency.s': 'RELTIME',
      'evt.latency.ns': 'RELTIME',
      'evt.latency.human': 'CHARBUF',
      'evt.wait_latency': 'RELTIME',
    };
    for (const [name, type] of Object.entries(expected)) {
      assert.equal(websiteNames.has(name), false, `${name} is in supported-fields.md`);
      const field = findField(name);
      assert.ok(field, `${name} is missing`);
      assert.equal(field.type, type);
      assert.equal(field.deprecatedBy, 'libs');
      assert.match(field.deprecated ?? '', /exit events/);
      assert.deepEqual(field.sources, ['syscall']);
    }
    assert.equal(findField('proc.name')?.deprecated, undefined);
    assert.equal(findField('k8s.rc.name')?.deprecatedBy, 'plugin');
    assert.equal(findField('k8s.pod.name')?.deprecated, undefined);
  });

  it('flags arguments, lists and restrictions', () => {
    const evtArg = findField('evt.arg')!;
    assert.equal(evtArg.arg, 'required');
    assert.deepEqual(evtArg.argForms, ['index', 'dotted']);
    assert.equal(findField('proc.aname')?.arg, 'optional');
    assert.equal(findField('proc.aname')?.noTransformer, true);
    assert.equal(findField('fd.types')?.isList, true);
    assert.equal(findField('fd.types')?.noRhs, true);
    assert.equal(findField('fd.ip')?.filterOnly, true);
    assert.equal(findField('fd.name')?.filterOnly, false);
    assert.equal(findField('evt.abspath')?.arg, 'optional');
    assert.equal(findField('thread.cgroup')?.dottedArg, 'cgroup-subsystem');
    assert.equal(findField('container.label')?.arg, 'required');
    assert.deepEqual(findField('container.mount')?.argForms, ['index', 'key']);
    assert.equal(findField('evt.buflen.in')?.hidden, true);
  });

  it('types fd.sport as PORT', () => {
    assert.equal(findField('fd.sport')?.type, 'PORT');
    assert.equal(findField('fd.sip')?.type, 'IPADDR');
    assert.equal(findField('fd.snet')?.type, 'IPNET');
  });
});

describe('catalog sources', () => {
  it('assigns fields to sources', () => {
    assert.equal(isFieldInSource('proc.name', 'syscall'), true);
    assert.equal(isFieldInSource('proc.name', 'k8s_audit'), false);
    assert.equal(isFieldInSource('ka.user.name', 'k8s_audit'), true);
    assert.equal(isFieldInSource('ka.user.name', 'syscall'), false);
    assert.equal(isFieldInSource('container.id', 'syscall'), true);
    assert.equal(isFieldInSource('k8smeta.pod.name', 'syscall'), true);
    assert.equal(isFieldInSource('ct.name', 'aws_cloudtrail'), true);
    assert.equal(isFieldInSource('gcp.user', 'gcp_auditlog'), true);
    for (const source of ['k8s_audit', 'aws_cloudtrail', 'gcp_auditlog', 'okta', 'github']) {
      assert.equal(isFieldInSource('json.value', source), true, `json.value in ${source}`);
      assert.equal(isFieldInSource('jevt.value', source), true, `jevt.value in ${source}`);
    }
    assert.equal(isFieldInSource('json.value', 'syscall'), false);
    assert.equal(isFieldInSource('no.such.field', 'syscall'), false);
  });

  it('gives generic evt fields to every source', () => {
    for (const source of [...knownSources(), 'some_third_party_source']) {
      assert.equal(isFieldInSource('evt.num', source), true, `evt.num in ${source}`);
      assert.equal(isFieldInSource('evt.time', source), true, `evt.time in ${source}`);
    }
    assert.equal(isFieldInSource('evt.type', 'k8s_audit'), false);
    const thirdParty = fieldsForSource('some_third_party_source').map((field) => field.name);
    assert.equal(thirdParty.length, 18);
    assert.ok(thirdParty.includes('evt.plugininfo'));
    const k8sAudit = fieldsForSource('k8s_audit').map((field) => field.name);
    assert.ok(k8sAudit.includes('ka.verb'));
    assert.ok(k8sAudit.includes('jevt.rawtime'));
    assert.ok(k8sAudit.includes('evt.num'));
    assert.equal(k8sAudit.includes('proc.name'), false);
  });

  it('lists the sources of the official rules', () => {
    const dir = path.join(root, 'test/fixtures/official/plugin-rules');
    const used = new Set(['syscall']);
    for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.yaml'))) {
      for (const match of fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/^\s+source:\s*(\S+)\s*$/gm)) used.add(match[1]);
    }
    assert.deepEqual([...knownSources()].sort(), [...used].sort());
    assert.deepEqual([...knownSources()], ['syscall', 'k8s_audit', 'aws_cloudtrail', 'okta', 'github', 'gcp_auditlog']);
  });

  it('resolves the plugin fields the official rules use', () => {
    const files: Record<string, string> = {
      'k8s_audit_rules.yaml': 'k8s_audit',
      'aws_cloudtrail_rules.yaml': 'aws_cloudtrail',
      'gcp_auditlog_rules.yaml': 'gcp_auditlog',
      'okta_rules.yaml': 'okta',
      'github.yaml': 'github',
    };
    let checked = 0;
    for (const [file, source] of Object.entries(files)) {
      const text = readRepoFile(`test/fixtures/official/plugin-rules/${file}`);
      const fieldPattern = /%?\b((?:ka|jevt|json|ct|s3|ec2|okta|github|gcp)\.[A-Za-z0-9_.]*[A-Za-z0-9_])(?:\[([^\]]*)\])?/g;
      for (const match of text.matchAll(fieldPattern)) {
        const resolution = resolveField(match[1], source, match[2]);
        assert.equal(resolution.kind, 'found', `${match[0]} in ${file}: ${resolution.kind}`);
        checked++;
      }
    }
    assert.ok(checked > 300, `only ${checked} plugin fields found in the official rules`);
  });

  it('resolves the syscall fields the official rules use', () => {
    let checked = 0;
    for (const file of ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml']) {
      // Comments and list items mention dotted words that are not fields (`fd.types[]`, `user.log`).
      const text = readRepoFile(`test/fixtures/official/rules/${file}`)
        .split('\n')
        .filter((line) => !/^\s*(?:#|items:)/.test(line))
        .join('\n');
      const fieldPattern = /(?<![\w./-])((?:evt|proc|thread|user|group|fd|fs\.path|fdlist|container|k8s)\.[A-Za-z0-9_.]*[A-Za-z0-9_])(?:\[([^\]]*)\])?/g;
      for (const match of text.matchAll(fieldPattern)) {
        const resolution = resolveField(match[1], 'syscall', match[2]);
        assert.equal(resolution.kind, 'found', `${match[0]} in ${file}: ${resolution.kind}`);
        checked++;
      }
    }
    assert.ok(checked > 2000, `only ${checked} syscall fields found in the official rules`);
  });
});

describe('resolveField', () => {
  const cases: Array<[string, string | undefined, string, Record<string, unknown>]> = [
    ['proc.name', undefined, 'found', { type: 'CHARBUF' }],
    ['ka.user.name', undefined, 'other-source', {}],
    ['no.such', undefined, 'not-found', {}],
    ['proc.name.extra', undefined, 'not-found', {}],
    ['evt.args.extra', undefined, 'not-found', {}],
    ['proc.name', '1', 'unexpected-argument', { arg: '1' }],
    ['container.label', undefined, 'missing-argument', {}],
    ['container.label', 'app', 'found', { bracketArg: 'app' }],
    ['container.mount', '01', 'found', { bracketArg: '01' }],
    ['proc.aname', undefined, 'found', {}],
    ['proc.aname', '2', 'found', { bracketArg: '2' }],
    ['proc.aname', 'x', 'invalid-argument', { reason: 'not-a-number' }],
    ['proc.env', 'HOME', 'found', { bracketArg: 'HOME' }],
    ['fd.types', 'x', 'invalid-argument', { reason: 'not-a-number' }],
    ['evt.arg', undefined, 'missing-argument', {}],
    ['evt.arg', '0', 'found', { type: 'CHARBUF' }],
    ['evt.rawarg', '0', 'invalid-argument', { reason: 'bad-form' }],
    ['evt.arg.flags', undefined, 'found', { type: 'CHARBUF', dottedArg: 'flags' }],
    ['evt.rawarg.res', undefined, 'found', { type: 'ERRNO', dottedArg: 'res' }],
    ['evt.arg.names', undefined, 'invalid-argument', { reason: 'partial-event-argument' }],
    ['evt.arg.bogus', undefined, 'invalid-argument', { reason: 'unknown-event-argument' }],
    ['evt.type.is.open', undefined, 'found', { dottedArg: 'open', type: 'UINT32' }],
    ['evt.type.is.3', undefined, 'found', { dottedArg: '3' }],
    ['evt.type.is.getpid', undefined, 'invalid-argument', { reason: 'unknown-event-type' }],
    ['evt.type.is', 'open', 'invalid-argument', { reason: 'bad-form' }],
    ['evt.type.is', undefined, 'missing-argument', {}],
    ['thread.cgroup.cpu', undefined, 'found', { dottedArg: 'cpu' }],
    ['thread.cgroup.cpu1', undefined, 'invalid-argument', { reason: 'bad-form' }],
    ['evt.abspath', undefined, 'found', {}],
    ['evt.abspath.src', undefined, 'found', { dottedArg: 'src' }],
    ['evt.abspath.dst', undefined, 'found', { dottedArg: 'dst' }],
    ['evt.abspath.foo', undefined, 'invalid-argument', { reason: 'bad-form' }],
    ['evt.around', '1404996934793590564', 'found', {}],
  ];
  for (const [name, bracketArg, kind, expected] of cases) {
    const written = bracketArg === undefined ? name : `${name}[${bracketArg}]`;
    it(`resolves ${written} as ${kind}`, () => {
      const result = resolveField(name, 'syscall', bracketArg) as unknown as Record<string, unknown>;
      assert.equal(result.kind, kind);
      for (const [key, value] of Object.entries(expected)) assert.equal(result[key], value, key);
    });
  }

  it('checks plugin index arguments', () => {
    const valid = resolveField('okta.mfa.failure.countlast', 'okta', '5');
    assert.equal(valid.kind, 'found');
    assert.equal(valid.kind === 'found' && valid.type, 'UINT64');
    const leadingZero = resolveField('okta.mfa.failure.countlast', 'okta', '01');
    assert.equal(leadingZero.kind === 'invalid-argument' && leadingZero.reason, 'not-a-number');
    assert.equal(resolveField('okta.mfa.failure.countlast', 'okta').kind, 'missing-argument');
    assert.equal(resolveField('ka.req.role.rules', 'k8s_audit').kind, 'found');
  });

  it('reports the field of a field from another source', () => {
    const result = resolveField('evt.arg.name', 'k8s_audit');
    assert.equal(result.kind, 'other-source');
    assert.equal(result.kind === 'other-source' && result.field.name, 'evt.arg');
  });
});

describe('event arguments', () => {
  it('resolves exact parameter names', () => {
    assert.deepEqual(resolveEventArg('name'), { kind: 'exact', param: 'name', type: 'FSPATH' });
    assert.deepEqual(resolveEventArg('pathname'), { kind: 'exact', param: 'pathname', type: 'FSRELPATH' });
  });

  it('resolves proper prefixes to the longest parameter', () => {
    assert.deepEqual(resolveEventArg('names'), { kind: 'proper-prefix', param: 'name', type: 'FSPATH' });
    // libs matches any parameter name that starts the text: symlink's `target` and socketpair's
    // `source` make these two proper prefixes, not unknown arguments.
    assert.deepEqual(resolveEventArg('targetpath'), { kind: 'proper-prefix', param: 'target', type: 'CHARBUF' });
    assert.deepEqual(resolveEventArg('sourcepath'), { kind: 'proper-prefix', param: 'source', type: 'UINT64' });
  });

  it('rejects names no parameter starts', () => {
    assert.deepEqual(resolveEventArg('bogus'), { kind: 'unknown' });
    assert.deepEqual(resolveEventArg('zzz'), { kind: 'unknown' });
    assert.deepEqual(resolveEventArg(''), { kind: 'unknown' });
  });

  it('types parameters by their first occurrence', () => {
    assert.deepEqual(resolveEventArg('uid'), { kind: 'exact', param: 'uid', type: 'UINT32' });
    assert.deepEqual(resolveEventArg('flags'), { kind: 'exact', param: 'flags', type: 'FLAGS32' });
    assert.deepEqual(resolveEventArg('res'), { kind: 'exact', param: 'res', type: 'ERRNO' });
  });

  it('lists each parameter name once', () => {
    const params = allEventParams();
    assert.equal(new Set(params).size, params.length);
    for (const name of ['fd', 'name', 'pathname', 'target', 'source', 'ID', 'uid']) assert.ok(params.includes(name), name);
  });
});

describe('event codes', () => {
  const libs = JSON.parse(readRepoFile('data/libs-event-codes.json')) as LibsEventTable;

  it('counts the libs event table', () => {
    assert.equal(catalog.eventCodeCount, 454);
    assert.equal(catalog.eventCodeCount, libs.events.length);
    assert.equal(catalog.libsCommit, libs.libsCommit);
    const named = catalog.events.flatMap((event) => event.codes);
    const all = [...named, ...catalog.genericCodes].sort((a, b) => a - b);
    assert.deepEqual(all, libs.events.map((entry) => entry.code));
  });

  it('selects the codes of open', () => {
    assert.deepEqual(codesForEventName('open'), [2, 3]);
    assert.equal(findEvent('open')?.category, 'syscall');
    assert.deepEqual(
      findEvent('open')?.params.map((param) => param.name),
      ['fd', 'name', 'flags', 'mode', 'dev', 'ino'],
    );
  });

  it('selects every version of an event', () => {
    const execveCodes = libs.events.filter((entry) => entry.name === 'execve').map((entry) => entry.code);
    assert.ok(execveCodes.length > 2);
    assert.deepEqual(codesForEventName('execve'), execveCodes);
  });

  it('selects the generic codes for syscalls without an event', () => {
    assert.deepEqual(codesForEventName('getpid'), [0, 1]);
    assert.deepEqual(codesForEventName('pread64'), [0, 1]);
    assert.deepEqual(codesForEventName('syscall'), []);
    assert.equal(isKnownEventName('getpid'), true);
    assert.equal(isKnownEventName('syscall'), true);
  });

  it('rejects unknown event names', () => {
    for (const name of ['opne', 'OPEN', 'open*', '', 'evt']) {
      assert.equal(isKnownEventName(name), false, name);
      assert.deepEqual(codesForEventName(name), [], name);
    }
  });

  it('knows every name of supported-events.md', () => {
    const names = new Set<string>();
    for (const match of readRepoFile('data/upstream/supported-events.md').matchAll(/^(?:Yes|No) \| `[<>]` \| `([^`]+)`/gm)) {
      names.add(match[1]);
    }
    assert.equal(names.size, 451);
    for (const name of names) assert.equal(isKnownEventName(name), true, name);
  });
});

describe('operators and priorities', () => {
  it('lists operators per type', () => {
    assert.ok(operatorsForType('CHARBUF').includes('contains'));
    assert.equal(operatorsForType('CHARBUF').includes('bcontains'), false);
    assert.ok(operatorsForType('BYTEBUF').includes('bcontains'));
    assert.deepEqual([...operatorsForType('IPADDR')], ['exists', '=', '==', '!=', 'in', 'intersects']);
    assert.ok(operatorsForType('PORT').includes('<'));
    assert.deepEqual([...operatorsForType('UID')], ['exists']);
    assert.deepEqual([...operatorsForField(findField('fd.types')!)], ['exists', 'in', 'intersects']);
    assert.deepEqual([...operatorsForField(findField('proc.pid')!)], [...operatorsForType('INT64')]);
  });

  it('marks word operators', () => {
    const words = catalog.operators.filter((op) => op.word).map((op) => op.name);
    assert.deepEqual(words, ['contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'glob', 'iglob', 'regex']);
  });

  it('matches priorities case-insensitively with the info alias', () => {
    assert.equal(findPriority('info')?.name, 'Informational');
    assert.equal(findPriority('INFO')?.name, 'Informational');
    assert.equal(findPriority('informational')?.name, 'Informational');
    assert.equal(findPriority('WARNING')?.name, 'Warning');
    assert.equal(findPriority('WARN'), undefined);
    assert.equal(findPriority('crit'), undefined);
    assert.deepEqual(
      catalog.priorities.map((priority) => priority.name),
      ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug'],
    );
  });
});

describe('catalog generator', () => {
  it('reproduces the committed catalog.json', () => {
    // The generator is plain ESM, which require() loads on Node 20.19 and later.
    const generator = require(path.join(root, 'scripts/generate-catalog.mjs')) as GeneratorModule;
    const expected = readRepoFile('server/src/core/catalog/catalog.json');
    assert.equal(generator.buildCatalogText(root), expected, 'catalog.json is stale: run npm run catalog');
  });
});
