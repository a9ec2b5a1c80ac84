/**
 * Candidate replacements for a name that is not a field of the rule's source,
 * best first. Known confusions come first: names from other tools (such as
 * `process.name`) and Falco fields that authors swap (such as `fd.dip`). Then
 * come fields that the output's words before the placeholder name, fields
 * close by edit distance, and fields with the same last segment.
 */
import type { DiagnosticData } from '../types';
import type { FieldDef } from '../catalog/types';
import { catalog } from '../catalog';
import { lookupField, fieldNamesForSource } from './fields';
import { suggest } from '../util/suggest';

/**
 * Names authors write for a Falco field, lower case, with the fields they
 * most likely mean. Falco names the two ends of a connection client/server
 * (`fd.cip`, `fd.sip`) and local/remote (`fd.lip`, `fd.rip`), never
 * source/destination, and names the process fields `proc.*`.
 */
const CONFUSIONS: Record<string, readonly string[]> = {};

function confuse(fields: readonly string[], ...written: string[]): void {
  for (const name of written) CONFUSIONS[name] = fields;
}

confuse(['fd.sip', 'fd.rip'], 'fd.dip', 'fd.dstip', 'fd.dst_ip', 'fd.destip', 'fd.dest_ip', 'fd.destination_ip', 'fd.server_ip');
confuse(['fd.sport', 'fd.rport'], 'fd.dport', 'fd.dstport', 'fd.dst_port', 'fd.destport', 'fd.dest_port', 'fd.destination_port');
confuse(['fd.cip', 'fd.lip'], 'fd.srcip', 'fd.src_ip', 'fd.source_ip', 'fd.client_ip');
confuse(['fd.cport', 'fd.lport'], 'fd.srcport', 'fd.src_port', 'fd.source_port');
confuse(['fd.sip'], 'net.destination.ip', 'net.dst.ip', 'net.dest.ip', 'net.dstip', 'destination.ip', 'dst.ip', 'dest.ip');
confuse(['fd.cip'], 'net.source.ip', 'net.src.ip', 'net.srcip', 'source.ip', 'src.ip');
confuse(['fd.sport'], 'net.destination.port', 'net.dst.port', 'net.dest.port', 'destination.port', 'dst.port', 'dest.port');
confuse(['fd.cport'], 'net.source.port', 'net.src.port', 'source.port', 'src.port');
confuse(['fd.l4proto'], 'fd.protocol', 'net.protocol', 'net.proto', 'network.protocol');
confuse(['fd.name'], 'fd.path', 'fd.file', 'fd.filepath', 'file.path', 'file.name', 'file.fullpath');
confuse(['fd.directory'], 'fd.dir', 'fd.dirname', 'file.directory', 'file.dir');
confuse(['proc.cmdline'], 'proc.commandline', 'proc.command', 'proc.command_line', 'proc.cmd', 'process.cmdline', 'process.commandline', 'process.command_line', 'process.command');
confuse(['proc.name'], 'process.name', 'proc.process_name', 'proc.processname', 'proc.comm', 'process.comm');
confuse(['proc.pid'], 'process.pid', 'proc.id', 'process.id');
confuse(['proc.ppid'], 'process.ppid', 'proc.parent.pid', 'process.parent.pid', 'proc.parent_pid');
confuse(['proc.pname'], 'proc.parent', 'proc.parent.name', 'proc.parent_name', 'proc.parentname', 'process.parent.name', 'process.parent', 'parent.name');
confuse(['proc.pcmdline'], 'proc.parent.cmdline', 'proc.pcommandline', 'proc.parent_cmdline', 'process.parent.cmdline', 'process.parent.command_line');
confuse(['proc.exepath'], 'proc.path', 'proc.executable', 'proc.exe_path', 'process.exe', 'process.executable', 'process.path');
confuse(['proc.args'], 'proc.argv', 'proc.arguments', 'process.args');
confuse(['proc.tty'], 'proc.terminal', 'process.tty');
confuse(['user.uid'], 'user.id', 'proc.uid', 'process.uid', 'process.user.id');
confuse(['user.name'], 'user.username', 'user.user', 'proc.user', 'process.user', 'process.user.name', 'proc.username');
confuse(['user.loginname'], 'user.login', 'user.login_name');
confuse(['group.name'], 'user.group', 'group.group', 'process.group');
confuse(['group.gid'], 'group.id', 'user.gid', 'proc.gid');
confuse(['evt.hostname'], 'host.name', 'host.hostname', 'evt.host', 'proc.hostname', 'system.hostname');
confuse(['evt.type'], 'event.type', 'evt.name', 'evt.syscall', 'syscall.name', 'event.name');
confuse(['container.image.repository'], 'container.image.name', 'container.image_name', 'container.repository', 'container.image.repo', 'image.name');
confuse(['container.image.tag'], 'container.tag', 'container.image_tag', 'image.tag');
confuse(['k8s.ns.name'], 'k8s.namespace', 'k8s.namespace.name', 'k8s.ns', 'kubernetes.namespace');
confuse(['k8s.pod.name'], 'k8s.pod', 'kubernetes.pod.name');
confuse(['k8s.deployment.name'], 'k8s.deployment');
// Fields of the syscall source written in a k8s_audit rule: the audit event names the object of the request.
confuse(['ka.req.pod.containers.image'], 'container.image');
confuse(['ka.req.pod.containers.image.repository'], 'container.image.repository');
confuse(['ka.req.pod.containers.name'], 'container.name');
confuse(['ka.req.pod.containers.privileged'], 'container.privileged');
confuse(['ka.target.namespace'], 'k8s.ns.name');
confuse(['ka.target.name'], 'k8s.pod.name');
confuse(['ka.user.name'], 'user.name');

/** Words of an output's text next to a placeholder, with the fields they announce. */
const CONTEXT_WORDS: Record<string, readonly string[]> = {
  host: ['evt.hostname'],
  hostname: ['evt.hostname'],
  node: ['evt.hostname'],
  container: ['container.name', 'container.id'],
  image: ['container.image.repository'],
  pid: ['proc.pid'],
  ppid: ['proc.ppid'],
  uid: ['user.uid'],
  gid: ['group.gid'],
  user: ['user.name'],
  parent: ['proc.pname'],
  command: ['proc.cmdline'],
  cmdline: ['proc.cmdline'],
  process: ['proc.name'],
  proc: ['proc.name'],
  file: ['fd.name'],
  path: ['fd.name'],
  port: ['fd.sport'],
  ip: ['fd.sip'],
  namespace: ['k8s.ns.name'],
  pod: ['k8s.pod.name'],
};

const MAX_CANDIDATES = 5;

export interface FieldCandidates {
  /** Field names, best first, none of them the written name. */
  candidates: string[];
  /** The one candidate that comes from the known confusions, when exactly one does. */
  confusion?: string;
}

export interface CandidateOptions {
  /** Leave out fields that only conditions can use (`fd.ip`, `fd.net`, ...). */
  output?: boolean;
  /** Output text just before the placeholder, whose last naming word hints at the field (`on host '`). */
  textBefore?: string;
  /** Keeps only the fields this accepts, such as those whose type takes the check's operator. */
  accepts?: (field: FieldDef) => boolean;
  /** Whether a plugin is loaded: the fields of one that is not are left out. */
  pluginLoaded?: (plugin: string) => boolean;
}

/** Returns the fields of `source` (every source when undefined) that `name` most likely meant. */
export function fieldCandidates(name: string, source: string | undefined, options: CandidateOptions = {}): FieldCandidates {
  const usable = (candidate: string) => {
    if (candidate === name || (options.output && isFilterOnly(candidate))) return false;
    const lookup = lookupField(candidate, undefined, source);
    if (lookup.status !== 'ok') return false;
    if (lookup.field.plugin && options.pluginLoaded && !options.pluginLoaded(lookup.field.plugin)) return false;
    return !options.accepts || options.accepts(lookup.field);
  };

  const confusions = (CONFUSIONS[name.toLowerCase()] ?? []).filter(usable);
  const hinted = [...wordHints(options.textBefore ?? ''), ...(/host/i.test(name) ? ['evt.hostname'] : [])].filter(usable);
  const names = fieldNamesForSource(source).filter((candidate) => !options.output || !isFilterOnly(candidate));
  const close = suggest(name, names, 3).filter(usable);

  let sameLastSegment: string[] = [];
  if (close.length === 0 && name.includes('.')) {
    // A name in another script or far from any field: match its last segment (`ாளர்.name` to `*.name`).
    const last = name.slice(name.lastIndexOf('.'));
    // Shorter names first: `proc.name` before `proc.vpgid.name`.
    const depth = (candidate: string) => candidate.split('.').length;
    sameLastSegment = names.filter((candidate) => candidate.endsWith(last) && usable(candidate)).sort((a, b) => depth(a) - depth(b)).slice(0, 3);
  }
  const candidates = unique([...confusions, ...hinted, ...close, ...sameLastSegment]).slice(0, MAX_CANDIDATES);

  const confused = candidates.filter((candidate) => confusions.includes(candidate));
  return { candidates, ...(confused.length === 1 ? { confusion: confused[0]! } : {}) };
}

/** Returns the diagnostic data that carries candidates to the unknown-field fixer; `prefix` goes before each name (`%` in outputs). */
export function candidateData(found: FieldCandidates, prefix = ''): DiagnosticData {
  if (found.candidates.length === 0) return {};
  return {
    fieldCandidates: found.candidates.map((candidate) => prefix + candidate),
    ...(found.confusion ? { knownConfusion: prefix + found.confusion } : {}),
  };
}

/** Returns the fields announced by the last naming word of `text`, such as `evt.hostname` for "on host '". */
function wordHints(text: string): readonly string[] {
  const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
  for (let i = words.length - 1; i >= 0; i--) {
    const fields = CONTEXT_WORDS[words[i]!];
    if (fields) return fields;
  }
  return [];
}

const filterOnlyFields = new Set(catalog.fields.filter((field) => field.filterOnly).map((field) => field.name));

function isFilterOnly(name: string): boolean {
  return filterOnlyFields.has(name);
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}
