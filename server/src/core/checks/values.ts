/**
 * Right-hand values as libs parses them for each field type
 * (libs userspace/libsinsp/value_parser.cpp, `string_to_rawval`). Each check
 * returns undefined when Falco accepts the text, else why it does not.
 */

const NUMERIC_TYPES = new Set([
  'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'ERRNO', 'FD', 'PID', 'SYSCALLID', 'SIGTYPE',
  'RELTIME', 'ABSTIME', 'FLAGS8', 'FLAGS16', 'FLAGS32', 'ENUMFLAGS8', 'ENUMFLAGS16', 'ENUMFLAGS32', 'MODE', 'UID', 'GID', 'DOUBLE',
]);
const ADDRESS_TYPES = new Set(['IPADDR', 'IPV4ADDR', 'IPV6ADDR']);
const NETWORK_TYPES = new Set(['IPNET', 'IPV4NET', 'IPV6NET']);

export function isNumericType(type: string): boolean {
  return NUMERIC_TYPES.has(type);
}

export function isAddressType(type: string): boolean {
  return ADDRESS_TYPES.has(type);
}

export function isNetworkType(type: string): boolean {
  return NETWORK_TYPES.has(type);
}

export interface ValueProblem {
  message: string;
  /** True when a CIDR network was compared with an address field. */
  cidrOnAddress?: boolean;
  /** True when Falco's result depends on the machine it runs on, so the problem is a warning. */
  machineDependent?: boolean;
}

/** IPv4 dotted quad as glibc inet_pton reads it: four decimal parts 0-255, no leading zeros. */
export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(?:0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/** IPv6 text as inet_pton reads it, with an optional embedded IPv4 tail. */
export function isIPv6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || text.length < 2) return false;
  let body = text;
  let extraGroups = 0;
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIPv4(tail)) return false;
    body = body.slice(0, lastColon + 1) + '0';
    extraGroups = 1;
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...head, ...rest];
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const count = all.length + extraGroups;
  return halves.length === 2 ? count <= 7 : count === 8;
}

const WELL_KNOWN_SERVICES = new Set([
  'ftp', 'ftp-data', 'ssh', 'telnet', 'smtp', 'domain', 'http', 'https', 'pop3', 'imap', 'imaps', 'pop3s', 'ldap', 'ldaps', 'ntp',
  'snmp', 'mysql', 'postgresql', 'redis', 'kerberos', 'rsync', 'syslog', 'submission', 'nfs', 'tftp', 'bootps', 'bootpc', 'www',
]);

/**
 * Checks one constant against a field type. `fieldName` names the field in
 * messages; `operator` matters for byte operators.
 */
export function checkValueForType(value: string, type: string, fieldName: string, operator: string): ValueProblem | undefined {
  if (operator === 'bcontains' || operator === 'bstartswith') {
    if (!/^(?:[0-9A-Fa-f]{2})*$/.test(value)) {
      return { message: `'${value}' is not a hex string: '${operator}' takes an even number of hex digits, such as 2f6574632f.` };
    }
    return undefined;
  }
  if (NUMERIC_TYPES.has(type)) {
    const pattern = type === 'DOUBLE' ? /^[+-]?[0-9]+$/ : /^[+-]?[0-9]+$/;
    if (!pattern.test(value)) {
      return { message: `'${value}' is not a valid number for ${fieldName} (${type}): write a decimal integer${/^0[xX]/.test(value) ? ' (Falco does not read hex here)' : ''}.` };
    }
    return undefined;
  }
  if (type === 'PORT') {
    if (/^[0-9]+$/.test(value)) return undefined;
    if (/^[A-Za-z][A-Za-z0-9._-]*$/.test(value)) {
      if (WELL_KNOWN_SERVICES.has(value)) return undefined;
      return { message: `'${value}' is not a port number; Falco looks it up in /etc/services on the machine it runs on, and fails to load the rule if that machine does not know it. Write the port number instead.`, machineDependent: true };
    }
    return { message: `'${value}' is not a port for ${fieldName}: write a port number such as 443.` };
  }
  if (type === 'BOOL') {
    if (value === 'true' || value === 'false') return undefined;
    return { message: `'${value}' is not a boolean for ${fieldName}: write true or false (lower case).` };
  }
  if (ADDRESS_TYPES.has(type)) {
    if (value.includes('/')) {
      return { message: `'${value}' is a network in CIDR notation, but ${fieldName} holds a single IP address, so Falco cannot load it. Compare a network field instead, such as ${networkFieldFor(fieldName)}.`, cidrOnAddress: true };
    }
    if (value.includes('.') ? isIPv4(value) : isIPv6(value)) return undefined;
    return { message: `'${value}' is not a valid ${value.includes('.') ? 'IPv4' : 'IPv6'} address for ${fieldName}.` };
  }
  if (NETWORK_TYPES.has(type)) {
    const slash = value.indexOf('/');
    if (slash === -1) {
      return { message: `'${value}' is not a network for ${fieldName}: write it in CIDR notation, such as ${value.includes('.') ? `${value}/32` : '10.0.0.0/8'}.` };
    }
    const address = value.slice(0, slash);
    const length = value.slice(slash + 1);
    const v4 = address.includes('.');
    const validAddress = v4 ? isIPv4(address) : isIPv6(address);
    const maxLength = v4 ? 32 : 128;
    const validLength = /^[0-9]+$/.test(length) && Number(length) <= maxLength && (v4 || Number(length) >= 1);
    if (!validAddress) return { message: `'${address}' is not a valid ${v4 ? 'IPv4' : 'IPv6'} address in network '${value}'.` };
    if (!validLength) return { message: `'${length}' is not a valid netmask length in network '${value}': use 0 to ${maxLength}.` };
    return undefined;
  }
  return undefined;
}

/** Returns the network field that matches an address field: `fd.sip` to `fd.snet`, `fd.ip` to `fd.net`. */
export function networkFieldFor(addressField: string): string {
  const known: Record<string, string> = {
    'fd.ip': 'fd.net', 'fd.sip': 'fd.snet', 'fd.cip': 'fd.cnet', 'fd.lip': 'fd.lnet', 'fd.rip': 'fd.rnet',
  };
  return known[addressField] ?? 'fd.net';
}

/** Perl extensions that RE2 rejects in POSIX mode, with what to write instead. */
const POSIX_MODE_REJECTS: Array<[RegExp, string]> = [
  [/\\[dD]/, 'use [0-9] (or [^0-9])'],
  [/\\[sS]/, 'use [[:space:]] (or [^[:space:]])'],
  [/\\[wW]/, 'use [[:alnum:]_] (or [^[:alnum:]_])'],
  [/\\[bB]/, 'word boundaries are not available; match the surrounding characters instead'],
  [/\\[AzCQE]/, 'use ^ and $, and escape special characters one by one'],
  [/\\[pP]/, 'use a bracket expression such as [[:alpha:]]'],
  [/\(\?/, 'write a plain group (...), without flags or ?:'],
  [/[*+?}]\?/, 'non-greedy repetition is not available; Falco matches the whole value anyway'],
];

/**
 * Checks a `regex` value as libs compiles it: RE2 with `RE2::POSIX` options
 * (libs sinsp_filtercheck.cpp), so POSIX egrep syntax without Perl classes,
 * `(?...)` groups or non-greedy repetition, matched against the whole value.
 * Other syntax errors are found with JavaScript's engine, which reads POSIX
 * egrep syntax alike. Returns a message when the pattern does not compile.
 */
export function checkRegex(pattern: string): string | undefined {
  const backreference = /\\[1-9]/.exec(pattern);
  if (backreference) return `invalid regex pattern '${pattern}': RE2 has no backreferences ('${backreference[0]}').`;
  for (const [construct, advice] of POSIX_MODE_REJECTS) {
    const found = construct.exec(pattern);
    if (found) return `invalid regex pattern '${pattern}': Falco compiles regex values in RE2's POSIX mode, which rejects '${found[0]}'; ${advice}.`;
  }
  try {
    new RegExp(pattern.replace(/\[\[:[a-z]+:\]\]/g, '[a]').replace(/\[:[a-z]+:\]/g, 'a'));
    return undefined;
  } catch (error) {
    return `invalid regex pattern '${pattern}': ${(error as Error).message.replace(/^Invalid regular expression: \/.*\/: /, '')}.`;
  }
}

/**
 * True for a regex Falco suggests replacing with a simpler operator: no
 * special characters apart from a leading `^`, a trailing `$`, or `.*`, `.+`,
 * `.?` at either end (falco filter_warning_resolver.cpp and libs filter.cpp).
 */
export function isSimpleRegex(pattern: string): boolean {
  const core = pattern.replace(/^\^/, '').replace(/\$$/, '').replace(/^\.[*+?]/, '').replace(/\.[*+?]$/, '');
  return core.length > 0 && !/[.^$*+?()[\]{}|\\]/.test(core);
}
