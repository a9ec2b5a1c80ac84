/** `falco/pciTemplates`: the PCI-DSS rule templates, for the client's insert command. */
import { RequestType0 } from 'vscode-languageserver/node';
import { pciTemplateList } from '../../core';
import type { PciTemplateInfo } from '../../core';
import type { ServerFeature } from '../context';

export const PciTemplatesRequest = new RequestType0<PciTemplateInfo[], void>('falco/pciTemplates');

export const pciTemplatesFeature: ServerFeature = {
  capabilities: {},
  register(context) {
    context.connection.onRequest(PciTemplatesRequest, () => {
      try {
        return pciTemplateList();
      } catch (error) {
        context.logFailure('falco/pciTemplates', '(no document)', error);
        return [];
      }
    });
  },
};
