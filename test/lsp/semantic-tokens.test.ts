/**
 * Semantic tokens from the real language server (out/server.js) over stdio:
 * the legend the server announces, and tokens decoded back to line,
 * character, length and type.
 */
import * as assert from 'node:assert/strict';
import {
  InitializeRequest,
  InitializedNotification,
  SemanticTokens,
  SemanticTokensLegend,
  SemanticTokensRangeRequest,
  SemanticTokensRequest,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from './client';

interface DecodedToken {
  line: number;
  character: number;
  length: number;
  type: string;
  modifiers: string[];
  /** The text the token covers. */
  text: string;
}

/** Decodes the protocol's five integers per token, whose line and start are relative to the previous token. */
function decode(tokens: SemanticTokens | null, legend: SemanticTokensLegend, text: string): DecodedToken[] {
  assert.ok(tokens, 'the server returned null');
  const lines = text.split('\n');
  const decoded: DecodedToken[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < tokens.data.length; i += 5) {
    const [deltaLine, deltaStart, length, typeIndex, modifierBits] = tokens.data.slice(i, i + 5) as [number, number, number, number, number];
    line += deltaLine;
    character = deltaLine === 0 ? character + deltaStart : deltaStart;
    const modifiers = legend.tokenModifiers.filter((_, bit) => (modifierBits & (1 << bit)) !== 0);
    decoded.push({ line, character, length, type: legend.tokenTypes[typeIndex]!, modifiers, text: lines[line]!.slice(character, character + length) });
  }
  return decoded;
}

const TEXT = [
  '- list: pci_shells',
  '  items: [bash, zsh]',
  '- rule: PCI shell',
  '  desc: d',
  '  condition: >',
  '    spawned_process and proc.name in (pci_shells, "sh")',
  '    and evt.type = execve and ka.verb = get',
  '  output: "Shell %proc.name (🔒 %user.name)"',
  '  priority: WARNING',
  '',
].join('\n');

describe('semantic tokens over stdio', function () {
  this.timeout(30000);
  let client: TestClient;
  let legend: SemanticTokensLegend;
  const uri = 'file:///workspace/pci_rules.yaml';

  before(async () => {
    client = new TestClient();
    const result = await client.connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    await client.connection.sendNotification(InitializedNotification.type, {});
    const provider = result.capabilities.semanticTokensProvider;
    assert.ok(provider, 'the server announces no semantic tokens provider');
    assert.equal(provider.full, true);
    assert.equal(provider.range, true);
    legend = provider.legend;
    await client.open(uri, TEXT);
  });

  after(async () => {
    await client.stop();
  });

  it('announces standard token types', () => {
    for (const type of ['macro', 'enumMember', 'property', 'operator', 'keyword', 'string', 'event', 'class', 'function']) {
      assert.ok(legend.tokenTypes.includes(type), `legend lacks ${type}`);
    }
    assert.ok(legend.tokenModifiers.includes('declaration'));
  });

  it('returns tokens for the whole document', async () => {
    const tokens = decode(await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } }), legend, TEXT);
    const find = (text: string, line: number) => tokens.find((token) => token.text === text && token.line === line);

    assert.deepEqual(find('pci_shells', 0), { line: 0, character: 8, length: 10, type: 'enumMember', modifiers: ['declaration'], text: 'pci_shells' });
    assert.deepEqual(find('PCI shell', 2), { line: 2, character: 8, length: 9, type: 'class', modifiers: ['declaration'], text: 'PCI shell' });
    assert.deepEqual(find('spawned_process', 5), { line: 5, character: 4, length: 15, type: 'macro', modifiers: ['defaultLibrary'], text: 'spawned_process' });
    assert.deepEqual(find('proc.name', 5), { line: 5, character: 24, length: 9, type: 'property', modifiers: [], text: 'proc.name' });
    assert.deepEqual(find('in', 5), { line: 5, character: 34, length: 2, type: 'operator', modifiers: [], text: 'in' });
    assert.deepEqual(find('pci_shells', 5), { line: 5, character: 38, length: 10, type: 'enumMember', modifiers: [], text: 'pci_shells' });
    assert.deepEqual(find('"sh"', 5), { line: 5, character: 50, length: 4, type: 'string', modifiers: [], text: '"sh"' });
    assert.deepEqual(find('execve', 6), { line: 6, character: 19, length: 6, type: 'event', modifiers: [], text: 'execve' });
    assert.deepEqual(find('ka.verb', 6), { line: 6, character: 30, length: 7, type: 'property', modifiers: ['otherSource'], text: 'ka.verb' });
    // The column after an emoji counts its two UTF-16 code units, as LSP positions do.
    assert.deepEqual(find('%user.name', 7), { line: 7, character: 32, length: 10, type: 'property', modifiers: [], text: '%user.name' });
  });

  it('returns only the tokens inside a range', async () => {
    const range = { start: { line: 7, character: 0 }, end: { line: 8, character: 0 } };
    const tokens = decode(await client.connection.sendRequest(SemanticTokensRangeRequest.type, { textDocument: { uri }, range }), legend, TEXT);
    assert.deepEqual(
      tokens.map((token) => [token.line, token.text, token.type]),
      [
        [7, '%proc.name', 'property'],
        [7, '%user.name', 'property'],
      ],
    );
  });

  it('returns no tokens for a document that is not open', async () => {
    const tokens = await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: 'file:///workspace/closed_rules.yaml' } });
    assert.deepEqual(tokens?.data, []);
  });
});
