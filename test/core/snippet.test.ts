import * as assert from 'node:assert/strict';
import { expandSnippet } from '../../server/src/core/util/snippet';

describe('snippet expansion', () => {
  it('uses placeholder defaults', () => {
    assert.equal(expandSnippet('items: [${1:a, b}]'), 'items: [a, b]');
  });

  it('takes the first choice', () => {
    assert.equal(expandSnippet('priority: ${2|WARNING,NOTICE|}'), 'priority: WARNING');
  });

  it('unescapes choices', () => {
    assert.equal(expandSnippet('${1|a\\,b,c|}'), 'a,b');
  });

  it('drops final and empty tab stops', () => {
    assert.equal(expandSnippet('items: [$2]\n$0'), 'items: []\n');
    assert.equal(expandSnippet('x${3}y'), 'xy');
  });

  it('mirrors a placeholder default', () => {
    assert.equal(expandSnippet('$1 = ${1:name}'), 'name = name');
  });

  it('expands nested placeholders', () => {
    assert.equal(expandSnippet('${1:outer ${2:inner}}|$2'), 'outer inner|inner');
  });

  it('unescapes dollar, brace and backslash', () => {
    assert.equal(expandSnippet('a \\$1 \\} \\\\ ${1:x\\}y}'), 'a $1 } \\ x}y');
  });

  it('keeps a lone dollar and unclosed placeholders', () => {
    assert.equal(expandSnippet('cost $ 5 ${1:open'), 'cost $ 5 ${1:open');
  });

  it('uses variable defaults', () => {
    assert.equal(expandSnippet('${TM_FILENAME:rules.yaml} $TM_LINE_NUMBER.'), 'rules.yaml .');
  });
});
