/**
 * Fuzz tests: windows of the official rules files, damaged by random
 * mutations (see mutate.ts), go through the core and, for a sample, through
 * the real server over stdio. The seed and count are fixed so that CI runs
 * the same cases each time; scripts/bench-fuzz.mjs runs more with any seed.
 */
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  SemanticTokensRequest,
} from 'vscode-languageserver-protocol/node';
import { FIXTURES } from '../helpers';
import { TestClient } from '../lsp/client';
import { generateCase, loadCorpus, MUTATORS, Prng } from './mutate';
import { runCoreCase } from './run-case';

const SEED = 20261204;
const CORE_CASES = 3000;
const SERVER_CASES = 30;

describe('fuzzing', function () {
  this.timeout(180_000);
  const corpus = loadCorpus(FIXTURES);

  it('mutation engine is deterministic', () => {
    const first = generateCase(corpus, SEED, 17);
    const again = generateCase(corpus, SEED, 17);
    assert.equal(again.text, first.text);
    assert.deepEqual(again.mutations, first.mutations);
    assert.notEqual(generateCase(corpus, SEED + 1, 17).text, first.text);
  });

  it('corpus holds the eight official files', () => {
    assert.equal(corpus.length, 8);
  });

  it('every mutator changes some text', () => {
    const rng = new Prng(SEED);
    const text = corpus[0]!.text.slice(0, 2000);
    for (const mutator of MUTATORS) {
      const changed = [0, 1, 2, 3, 4].some(() => mutator.apply(text, rng).text !== text);
      assert.ok(changed, `${mutator.name} never changed the text`);
    }
  });

  it(`core survives ${CORE_CASES} mutated files`, () => {
    const failures: string[] = [];
    for (let index = 0; index < CORE_CASES; index++) {
      const fuzzCase = generateCase(corpus, SEED, index);
      for (const failure of runCoreCase(fuzzCase).failures) {
        failures.push(`case ${index} (${fuzzCase.source}; ${fuzzCase.mutations.join('; ')}): ${failure}`);
      }
    }
    assert.deepEqual(failures.slice(0, 10), []);
  });

  it(`server answers every request on ${SERVER_CASES} mutated files`, async () => {
    const client = new TestClient();
    try {
      await client.initialize();
      const rng = new Prng(SEED);
      for (let index = 0; index < SERVER_CASES; index++) {
        const fuzzCase = generateCase(corpus, SEED, CORE_CASES + index);
        const uri = `file:///fuzz/case_${index}_rules.yaml`;
        const document = TextDocument.create(uri, 'falco-rules', 1, fuzzCase.text);
        const label = `case ${CORE_CASES + index} (${fuzzCase.mutations.join('; ')})`;

        const published = await client.open(uri, fuzzCase.text);
        const lastLine = document.lineCount - 1;
        for (const diagnostic of published.diagnostics) {
          assert.ok(diagnostic.range.end.line <= lastLine, `${label}: diagnostic ${String(diagnostic.code)} ends after the last line`);
        }

        const position = document.positionAt(rng.int(fuzzCase.text.length + 1));
        const textDocument = { uri };
        // Each request must get a response, and a rejected promise fails the test.
        await client.complete(uri, position.line, position.character);
        await client.connection.sendRequest(HoverRequest.type, { textDocument, position });
        await client.definition(uri, position);
        await client.references(uri, position, true);
        await client.documentHighlight(uri, position);
        const range = { start: position, end: position };
        await client.connection.sendRequest(CodeActionRequest.type, { textDocument, range, context: { diagnostics: [] } });
        await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument });
        await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument });
        await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument });
      }
      assert.deepEqual(client.logs.filter((line) => line.includes('failed for')), []);
    } finally {
      await client.stop();
    }
  });
});
