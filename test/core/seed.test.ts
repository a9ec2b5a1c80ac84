import * as assert from 'node:assert/strict';
import { check, readFixture, withCode, CoveredDiagnostic } from '../helpers';

const SEED = readFixture('cases', 'seed-pci-rules.indented.yaml');

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** The diagnostics inside the N-th rule (1-based) of the seed file. */
function inRule(diagnostics: CoveredDiagnostic[], rule: number): CoveredDiagnostic[] {
  const starts = [...SEED.matchAll(/^- rule:/gm)].map((m) => m.index!);
  const start = starts[rule - 1]!;
  const end = starts[rule] ?? SEED.length;
  return diagnostics.filter((d) => d.span.start >= start && d.span.start < end);
}

describe('seed PCI rules, re-indented', () => {
  const diagnostics = check(SEED);

  it('reports every %(...) placeholder on its own span', () => {
    const placeholders = withCode(diagnostics, 'LOAD_ERR_COMPILE_OUTPUT').filter((d) => d.covered.startsWith('%('));
    assert.equal(placeholders.length, 30);
    for (const d of placeholders) {
      assert.equal(d.severity, 'error');
      assert.match(d.covered, /^%\([^)]*\)s?$/);
    }
    assert.ok(placeholders.some((d) => d.covered === '%(proc.name)s'));
    assert.ok(placeholders.some((d) => d.covered === '%(ாளர்.name)'));
  });

  it('suggests %field for a Python-style placeholder', () => {
    const first = withCode(diagnostics, 'LOAD_ERR_COMPILE_OUTPUT').find((d) => d.covered === '%(proc.name)s')!;
    assert.deepEqual(first.data?.suggestions, ['%proc.name']);
    assert.match(first.message, /%proc\.name/);
  });

  it('rejects evt.arg.targetpath and evt.arg.sourcepath', () => {
    const errors = withCode(diagnostics, 'LOAD_ERR_COMPILE_CONDITION').filter((d) => d.covered.startsWith('evt.arg.'));
    assert.deepEqual(errors.map((d) => d.covered).sort(), ['evt.arg.sourcepath', 'evt.arg.targetpath']);
    for (const d of errors) assert.equal(d.severity, 'error');
  });

  it('warns on evt.arg.pathname, which open lacks', () => {
    const warnings = withCode(diagnostics, 'evt-arg-not-in-events');
    assert.equal(warnings.length, 2);
    for (const d of warnings) {
      assert.equal(d.covered, 'evt.arg.pathname');
      assert.equal(d.severity, 'warning');
      assert.match(d.message, /\bname\b/);
    }
  });

  it('rejects each CIDR compared with fd.ip', () => {
    const cidr = withCode(diagnostics, 'LOAD_ERR_COMPILE_CONDITION').filter((d) => /\/\d+"$/.test(d.covered));
    assert.deepEqual(cidr.map((d) => d.covered), ['"192.168.1.0/24"', '"10.0.0.0/8"', '"172.16.0.0/12"']);
    for (const d of cidr) assert.match(d.message, /fd\.net/);
  });

  it('rejects each !~ operator', () => {
    const regexOps = diagnostics.filter((d) => d.covered === '!~');
    assert.equal(regexOps.length, 3);
    for (const d of regexOps) {
      assert.equal(d.severity, 'error');
      assert.match(d.message, /regex/);
    }
  });

  it('warns LOAD_NO_EVTTYPE on the first rule only', () => {
    const noEvttype = withCode(diagnostics, 'LOAD_NO_EVTTYPE');
    assert.equal(noEvttype.length, 1);
    assert.equal(inRule(noEvttype, 1).length, 1);
    assert.equal(noEvttype[0]!.covered, 'condition');
  });

  it('warns that evt.type = open misses openat', () => {
    const open = withCode(diagnostics, 'evt-type-open-only');
    assert.equal(open.length, 1);
    assert.equal(open[0]!.covered, '"open"');
    assert.equal(inRule(open, 3).length, 1);
  });

  it('accepts critical and informational priorities', () => {
    assert.equal(diagnostics.filter((d) => d.covered === 'critical' || d.covered === 'informational').length, 0);
  });

  it('reports no problem on the tags or descriptions', () => {
    for (const d of diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning')) {
      const line = SEED.split('\n')[lineOf(SEED, d.span.start) - 1]!;
      assert.match(line, /^\s+(condition|output):/, `unexpected diagnostic ${d.code} on: ${line}`);
    }
  });
});

describe('seed PCI rules, requirement ids', () => {
  const diagnostics = check(SEED).filter((d) => d.code.startsWith('pci-'));

  it('notes each cited id once per rule', () => {
    const cited = diagnostics.filter((d) => d.code === 'pci-requirement-mismatch').map((d) => `${lineOf(SEED, d.span.start)} ${d.covered}`);
    assert.deepEqual(cited, ['1 2.4', '12 2.2', '24 10.2.1', '36 1.2', '47 6.4.3']);
  });

  it('maps the cited v3.2.1 number 2.4', () => {
    const first = diagnostics.find((d) => d.code === 'pci-requirement-mismatch')!;
    assert.equal(first.severity, 'info');
    assert.match(first.message, /2\.4 is not a PCI DSS v4\.0\.1 requirement id; its v4\.0\.1 id is 12\.5\.1\. Add the tag 'PCI_DSS_12\.5\.1'/);
  });

  it('notes every generic pci_dss tag', () => {
    const generic = diagnostics.filter((d) => d.code === 'pci-tag-without-requirement');
    assert.deepEqual(generic.map((d) => d.covered), ['pci_dss', 'pci_dss', 'pci_dss', 'pci_dss', 'pci_dss']);
    assert.ok(generic.every((d) => d.severity === 'info'));
    assert.match(generic[0]!.message, /such as 'PCI_DSS_12\.5\.1', so that coverage reports can count the rule/);
  });
});

describe('seed PCI rules, as written', () => {
  const text = readFixture('cases', 'seed-pci-rules.as-written.yaml');
  const diagnostics = check(text);

  it('reports the indentation error on line 2', () => {
    const parse = withCode(diagnostics, 'LOAD_ERR_YAML_PARSE');
    assert.ok(parse.length >= 1);
    const first = parse[0]!;
    assert.equal(lineOf(text, first.span.start), 2);
    assert.equal(first.covered, 'desc');
    assert.match(first.message, /indented under '- rule:'/);
  });

  it('still checks the rules it could read', () => {
    const placeholders = withCode(diagnostics, 'LOAD_ERR_COMPILE_OUTPUT').filter((d) => d.covered.startsWith('%('));
    assert.equal(placeholders.length, 30);
  });
});
