import * as assert from 'node:assert/strict';
import type { FieldExpr, TransformerExpr } from '../../server/src/core/condition/ast';
import type { BrokenPlaceholder, OutputPlaceholder, OutputSegment } from '../../server/src/core/output/ast';
import { parseOutput } from '../../server/src/core/output/parser';
import { itemStrings, officialRuleFiles } from './rule-fixtures';

// Compact segment notation: literals as JSON strings, `%<expr>` for a placeholder (with `w10:` for
// a width), `!<form>:<covered text>` for a broken one, plus `=<intended>` when it has one.
function describeSegment(text: string, segment: OutputSegment): string {
  const written = text.slice(segment.span.start, segment.span.end);
  switch (segment.kind) {
    case 'literal':
      assert.equal(segment.text, written);
      return JSON.stringify(segment.text);
    case 'placeholder': {
      const width = segment.width === undefined ? '' : `w${segment.width}:`;
      return `%${width}${describeExpr(segment.expr)}`;
    }
    case 'broken': {
      const intended = segment.intended === undefined ? '' : `=${segment.intended}`;
      return `!${segment.form}:${written}${intended}`;
    }
  }
}

function describeExpr(expr: FieldExpr | TransformerExpr): string {
  if (expr.kind === 'field') return expr.arg ? `${expr.name}[${expr.arg.value}]` : expr.name;
  const args = expr.args.map((arg) => (arg.kind === 'field' || arg.kind === 'transformer' ? describeExpr(arg) : arg.kind));
  const call = `${expr.name}(${args.join(', ')})`;
  return expr.index ? `${call}[${expr.index.value}]` : call;
}

function segmentsOf(text: string): string[] {
  return parseOutput(text).segments.map((segment) => describeSegment(text, segment));
}

function brokenOf(text: string): BrokenPlaceholder[] {
  return parseOutput(text).segments.filter((segment): segment is BrokenPlaceholder => segment.kind === 'broken');
}

describe('parseOutput', () => {
  describe('placeholders', () => {
    const cases: Array<[string, string[]]> = [
      ['user=%user.name', ['"user="', '%user.name']],
      ['%proc.name', ['%proc.name']],
      ['a %proc.aname[2] b', ['"a "', '%proc.aname[2]', '" b"']],
      ['%proc.env[HOME]', ['%proc.env[HOME]']],
      ['%container.label["app.kubernetes.io/name"]', ['%container.label[app.kubernetes.io/name]']],
      ['%evt.arg.flags %evt.arg[0] %evt.rawarg.res', ['%evt.arg.flags', '" "', '%evt.arg[0]', '" "', '%evt.rawarg.res']],
      ['[%10proc.name]', ['"["', '%w10:proc.name', '"]"']],
      ['%tolower(proc.name)', ['%tolower(proc.name)']],
      ['%toupper(basename(proc.exepath))!', ['%toupper(basename(proc.exepath))', '"!"']],
      ['%join("->", (proc.name, evt.arg.path)) end', ['%join(value, transformer-list)', '" end"']],
      ['%concat(toupper(proc.name), evt.arg.path)', ['%concat(toupper(proc.name), evt.arg.path)']],
      ['%getopt(proc.args, "nt:")[t]', ['%getopt(proc.args, value)[t]']],
      ['%tolower( proc.name )', ['%tolower(proc.name)']],
      ['(%proc.name)', ['"("', '%proc.name', '")"']],
      ['%proc.name)', ['%proc.name', '")"']],
      ['%proc.namex', ['%proc.namex']],
      ['%proc.name.', ['%proc.name', '"."']],
      ['%proc.name%proc.pid', ['%proc.name', '%proc.pid']],
      ['%proc.aname[', ['%proc.aname', '"["']],
      ['%proc.env[a b]', ['%proc.env', '"[a b]"']],
      ['%proc.env["\\d"]', ['%proc.env', '"[\\"\\\\d\\"]"']],
      ['%tolower(proc.name)[', ['%tolower(proc.name)', '"["']],
      ['no placeholders', ['"no placeholders"']],
      ['', []],
    ];
    for (const [text, expected] of cases) {
      it(`reads ${JSON.stringify(text)}`, () => assert.deepEqual(segmentsOf(text), expected));
    }

    it('spans a placeholder from % to the end of the call', () => {
      const text = 'x %10tolower(proc.name) y';
      const placeholder = parseOutput(text).segments[1] as OutputPlaceholder;
      assert.equal(text.slice(placeholder.span.start, placeholder.span.end), '%10tolower(proc.name)');
      assert.equal(placeholder.width, 10);
      const expr = placeholder.expr as TransformerExpr;
      assert.equal(text.slice(expr.nameSpan.start, expr.nameSpan.end), 'tolower');
      assert.equal(text.slice(expr.span.start, expr.span.end), 'tolower(proc.name)');
    });

    it('skips a leading *', () => {
      const text = '*%proc.name x';
      const segments = parseOutput(text).segments;
      assert.deepEqual(segmentsOf(text), ['%proc.name', '" x"']);
      assert.equal(segments[0].span.start, 1);
    });

    it('keeps a * that is not first', () => {
      assert.deepEqual(segmentsOf('a *%proc.name'), ['"a *"', '%proc.name']);
    });
  });

  describe('broken placeholders', () => {
    const cases: Array<[string, string[]]> = [
      ["'%(proc.name)s'", ['"\'"', '!python-style:%(proc.name)s=proc.name', '"\'"']],
      ['%(proc.pid)d.', ['!python-style:%(proc.pid)d=proc.pid', '"."']],
      ['%(proc.name)-10s|', ['!python-style:%(proc.name)-10s=proc.name', '"|"']],
      ['%(tolower(proc.name))s', ['!python-style:%(tolower(proc.name))s=tolower(proc.name)']],
      ['(ID: %(container.id))', ['"(ID: "', '!parenthesised:%(container.id)=container.id', '")"']],
      ['%( proc.name )', ['!parenthesised:%( proc.name )=proc.name']],
      ['%(proc.name)started', ['!parenthesised:%(proc.name)=proc.name', '"started"']],
      ['%(fd.ip):%(fd.sport)', ['!parenthesised:%(fd.ip)=fd.ip', '":"', '!parenthesised:%(fd.sport)=fd.sport']],
      ['%(proc.name and more', ['!parenthesised:%(proc.name=proc.name', '" and more"']],
      ['%()', ['!parenthesised:%()']],
      ["host '%(ாளர்.name)'", ['"host \'"', '!parenthesised:%(ாளர்.name)=ாளர்.name', '"\'"']],
      ['%ாளர்.name.', ['!invalid-name:%ாளர்.name=ாளர்.name', '"."']],
      ['%prοc.name', ['!invalid-name:%prοc.name=prοc.name']],
      ['%foo bar', ['!invalid-name:%foo=foo', '" bar"']],
      ['%proc.', ['!invalid-name:%proc=proc', '"."']],
      ['%foo(proc.name)', ['!invalid-name:%foo(proc.name)=foo(proc.name)']],
      ['%val(proc.name)', ['!invalid-name:%val(proc.name)=val(proc.name)']],
      ['%tolower(proc.name', ['!other:%tolower(proc.name']],
      ['%join("\\d", proc.args) x', ['!other:%join("\\d", proc.args)=join("\\d", proc.args)', '" x"']],
      ['100%', ['"100"', '!trailing-percent:%']],
      ['%12', ['!trailing-width:%12']],
      ['a %12 b', ['"a "', '!other:%12', '" b"']],
      ['50% done', ['"50"', '!other:%', '" done"']],
      ['%%proc.name', ['!other:%', '%proc.name']],
      ['% proc.name', ['!other:%', '" proc.name"']],
    ];
    for (const [text, expected] of cases) {
      it(`reads ${JSON.stringify(text)}`, () => assert.deepEqual(segmentsOf(text), expected));
    }

    it('points intendedSpan at the inner name', () => {
      const text = "'%(proc.name)s'";
      const [broken] = brokenOf(text);
      assert.equal(text.slice(broken.intendedSpan!.start, broken.intendedSpan!.end), 'proc.name');
    });
  });

  describe('seed PCI rules', () => {
    const outputs = itemStrings('cases/seed-pci-rules.indented.yaml', 'output');

    it('finds 30 broken placeholders in the five outputs', () => {
      assert.equal(outputs.length, 5);
      const broken = outputs.flatMap(({ text }) => brokenOf(text).map((segment) => text.slice(segment.span.start, segment.span.end)));
      assert.equal(broken.length, 30);
      for (const written of broken) assert.match(written, /^%\([^)]+\)s?$/u);
      assert.deepEqual(broken.slice(0, 6), ['%(proc.name)s', '%(container.name)', '%(container.id)', '%(ாளர்.name)', '%(user.name)', '%(user.uid)']);
    });

    it('gives each broken placeholder its intended name', () => {
      for (const { text } of outputs) {
        for (const segment of brokenOf(text)) {
          const inner = text.slice(segment.span.start + 2, text.indexOf(')', segment.span.start));
          assert.equal(segment.intended, inner);
        }
      }
    });
  });

  describe('official rules files', () => {
    for (const file of officialRuleFiles()) {
      it(`finds no broken placeholder in ${file}`, () => {
        for (const { where, text } of itemStrings(file, 'output')) {
          assert.deepEqual(
            brokenOf(text).map((segment) => text.slice(segment.span.start, segment.span.end)),
            [],
            where,
          );
        }
      });
    }

    it('reads the placeholders of a default rule', () => {
      const outputs = itemStrings('official/rules/falco_rules.yaml', 'output');
      const placeholders = outputs.flatMap(({ text }) => parseOutput(text).segments.filter((segment) => segment.kind === 'placeholder'));
      assert.ok(placeholders.length > 100, `found ${placeholders.length} placeholders`);
    });
  });

  describe('robustness', () => {
    function assertTiled(text: string): void {
      let offset = text.startsWith('*') ? 1 : 0;
      for (const segment of parseOutput(text).segments) {
        assert.equal(segment.span.start, offset, JSON.stringify(text));
        assert.ok(segment.span.end > segment.span.start, JSON.stringify(text));
        offset = segment.span.end;
      }
      assert.equal(offset, text.length, JSON.stringify(text));
    }

    it('covers the text with segments in order', () => {
      const samples = ['%', '%%', '%(', '%)', '%1', '%1(', '*', '**%', '%(%(x)s', '%tolower(', '%a.b[', '%\u0bbe', '%\ud83d\ude00.x', 'x%(y'];
      for (const text of samples) assertTiled(text);
    });

    it('tiles random text', () => {
      // A fixed linear congruential sequence, so a failure can be replayed.
      let state = 7;
      const next = () => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return state / 4294967296;
      };
      const pieces = ['%', '*', '(', ')', '[', ']', 'proc.name', 'tolower(', 'join(', '"', ',', ' ', '1', 's', '.', 'x', '\u0bbe', '\n'];
      for (let i = 0; i < 3000; i++) {
        const count = Math.floor(next() * 20);
        let text = '';
        for (let j = 0; j < count; j++) text += pieces[Math.floor(next() * pieces.length)];
        assertTiled(text);
      }
    });
  });
});
