/**
 * The command "Insert PCI-DSS rule template" (`falco.insertPciTemplate`).
 * It requests the templates from the server, shows them in a quick pick
 * grouped by requirement, and inserts the chosen one as a snippet.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { PciTemplateSummary, pciTemplatePickEntries } from './pci-template-items';

export const INSERT_PCI_TEMPLATE_COMMAND = 'falco.insertPciTemplate';

interface TemplatePick extends vscode.QuickPickItem {
  template?: PciTemplateSummary;
}

export function register(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(vscode.commands.registerTextEditorCommand(INSERT_PCI_TEMPLATE_COMMAND, (editor) => insertTemplate(client, editor)));
}

async function insertTemplate(client: LanguageClient, editor: vscode.TextEditor): Promise<void> {
  let templates: PciTemplateSummary[];
  try {
    templates = await client.sendRequest<PciTemplateSummary[]>('falco/pciTemplates');
  } catch (error) {
    client.error('falco/pciTemplates failed', error);
    void vscode.window.showErrorMessage(`Could not load the PCI-DSS templates from the Falco language server: ${String(error)}`);
    return;
  }
  const items: TemplatePick[] = pciTemplatePickEntries(templates).map((entry) =>
    entry.kind === 'separator'
      ? { label: entry.label, kind: vscode.QuickPickItemKind.Separator }
      : { label: entry.label, description: entry.description, detail: entry.detail, template: entry.template },
  );
  const picked = await vscode.window.showQuickPick(items, { title: 'Insert PCI-DSS rule template', placeHolder: 'Type a requirement id or a title', matchOnDescription: true, matchOnDetail: true });
  if (!picked?.template) return;
  const target = insertionPoint(editor.document, editor.selection.active);
  await editor.insertSnippet(new vscode.SnippetString(target.prefix + picked.template.snippet), target.location);
}

/**
 * Returns where a template's top-level items can go: the cursor's line when
 * it is empty, else before the next line that starts a top-level item, else
 * the end. The template then never splits the item at the cursor.
 */
function insertionPoint(document: vscode.TextDocument, cursor: vscode.Position): { location: vscode.Position | vscode.Range; prefix: string } {
  const line = document.lineAt(cursor.line);
  if (line.isEmptyOrWhitespace) return { location: line.range, prefix: '' };
  for (let next = cursor.line + 1; next < document.lineCount; next++) {
    if (document.lineAt(next).text.startsWith('- ')) return { location: new vscode.Position(next, 0), prefix: '' };
  }
  const last = document.lineAt(document.lineCount - 1);
  return { location: last.range.end, prefix: last.isEmptyOrWhitespace ? '' : '\n' };
}
