import * as assert from 'node:assert/strict';
import { evaluate, matches } from './eval-helpers';
import { globMatch, pathPrefixMatch } from '../../server/src/core/eval/operators';

/** One row: condition, event, expected result, and the source of the expected value. */
type Row = [condition: string, event: Record<string, unknown>, expected: boolean, source: string];

function table(rows: Row[]): void {
  for (const [condition, event, expected, source] of rows) {
    it(`${condition} on ${JSON.stringify(event)} is ${expected} (${source})`, () => {
      assert.equal(matches(condition, event), expected);
    });
  }
}

describe('evaluator: equality and string operators', () => {
  table([
    ['proc.name = bash', { 'proc.name': 'bash' }, true, 'filter_compare.cpp strcmp'],
    ['proc.name == bash', { 'proc.name': 'bash' }, true, 'LANGUAGE.md 2.4: == is ='],
    ['proc.name = bash', { 'proc.name': 'Bash' }, false, 'filter_compare.cpp strcmp is case-sensitive'],
    ['proc.name != bash', { 'proc.name': 'sh' }, true, 'filter_compare.cpp CO_NE'],
    ['proc.name != bash', { 'proc.name': 'bash' }, false, 'filter_compare.cpp CO_NE'],
    ['proc.name in (bash, sh)', { 'proc.name': 'sh' }, true, 'sinsp_filtercheck.cpp compare_rhs CO_IN set lookup'],
    ['proc.name in (bash, sh)', { 'proc.name': 'zsh' }, false, 'sinsp_filtercheck.cpp compare_rhs CO_IN'],
    ['proc.name in bash', { 'proc.name': 'bash' }, true, 'LANGUAGE.md 2.6: a bare word after in is a one-element list'],
    ['proc.cmdline contains "-c ls"', { 'proc.cmdline': 'bash -c ls' }, true, 'filter_compare.cpp strstr'],
    ['proc.cmdline contains LS', { 'proc.cmdline': 'bash -c ls' }, false, 'filter_compare.cpp strstr'],
    ['proc.cmdline icontains LS', { 'proc.cmdline': 'bash -c ls' }, true, 'filter_compare.cpp strcasestr'],
    ['fd.name startswith /etc/', { 'fd.name': '/etc/shadow' }, true, 'filter_compare.cpp strncmp'],
    ['fd.name startswith /etc/', { 'fd.name': '/var/etc/x' }, false, 'filter_compare.cpp strncmp'],
    ['fd.name endswith .pem', { 'fd.name': '/certs/key.pem' }, true, 'utils.cpp sinsp_utils::endswith'],
    ['fd.name endswith .pem', { 'fd.name': '/certs/key.pem.bak' }, false, 'utils.cpp sinsp_utils::endswith'],
    ['proc.name < val(proc.pname)', { 'proc.name': 'bash', 'proc.pname': 'sshd' }, true, 'filter_compare.cpp CO_LT on strings is strcmp'],
    ['proc.name >= val(proc.pname)', { 'proc.name': 'bash', 'proc.pname': 'sshd' }, false, 'filter_compare.cpp CO_GE on strings is strcmp'],
  ]);
});

describe('evaluator: glob and iglob', () => {
  table([
    ['fd.name glob "/var/*"', { 'fd.name': '/var/run/a.txt' }, true, 'LANGUAGE.md 2.4: fnmatch without FNM_PATHNAME, * matches /'],
    ['fd.name glob "/var/*.txt"', { 'fd.name': '/var/run/a.log' }, false, 'utils.cpp glob_match'],
    ['fd.name glob "/tmp/?.sh"', { 'fd.name': '/tmp/x.sh' }, true, 'fnmatch ? matches one character'],
    ['fd.name glob "/tmp/[a-c].sh"', { 'fd.name': '/tmp/d.sh' }, false, 'fnmatch bracket range'],
    ['fd.name glob "/tmp/[!a-c].sh"', { 'fd.name': '/tmp/d.sh' }, true, 'fnmatch negated bracket'],
    ['fd.name glob "/home/*/.ssh/*"', { 'fd.name': '/home/al/.ssh/id_rsa' }, true, 'fnmatch without FNM_PERIOD'],
    ['fd.name glob "/ETC/*"', { 'fd.name': '/etc/passwd' }, false, 'utils.cpp glob_match is case-sensitive'],
    ['fd.name iglob "/ETC/*"', { 'fd.name': '/etc/passwd' }, true, 'utils.cpp glob_match with FNM_CASEFOLD'],
  ]);

  it('glob escapes and classes', () => {
    assert.equal(globMatch('a\\*b', 'a*b'), true);
    assert.equal(globMatch('a\\*b', 'axb'), false);
    assert.equal(globMatch('[[:digit:]]x', '7x'), true);
    assert.equal(globMatch('[[:digit:]]x', 'ax'), false);
  });
});

describe('evaluator: pmatch', () => {
  table([
    ['fd.name pmatch (/var/run, /etc)', { 'fd.name': '/var/run/docker.sock' }, true, 'prefix_search.h: /var/run is a prefix of /var/run/docker'],
    ['fd.name pmatch (/var/run, /etc)', { 'fd.name': '/var/lib/messages' }, false, 'prefix_search.h: /var is only a partial match'],
    ['fd.name pmatch (/var/run)', { 'fd.name': '/var' }, false, 'prefix_search.h: /var matches only /var and not /var/lib'],
    ['fd.name pmatch (/etc)', { 'fd.name': '/etcetera/x' }, false, 'prefix_search.cpp split_path compares whole components'],
    ['fd.name pmatch (/home/*/.ssh)', { 'fd.name': '/home/al/.ssh/id_rsa' }, true, 'prefix_search.h: components with * are globs'],
  ]);

  it('skips empty path components', () => {
    assert.equal(pathPrefixMatch('//var///run/x', ['/var/run']), true);
  });
});

describe('evaluator: regex', () => {
  table([
    ['proc.name regex "ba.h"', { 'proc.name': 'bash' }, true, 'sinsp_filtercheck.cpp matches_rhs_regex ANCHOR_BOTH'],
    ['proc.name regex "ba"', { 'proc.name': 'bash' }, false, 'LANGUAGE.md 2.4: regex is a full match'],
    ['proc.name regex "[[:alpha:]]+sh"', { 'proc.name': 'bash' }, true, 'RE2 POSIX classes'],
    ['proc.name regex "(ba|z)sh"', { 'proc.name': 'zsh' }, true, 'RE2 alternation'],
  ]);

  it('reports a pattern RE2 rejects in POSIX mode', () => {
    const result = evaluate('proc.name regex "\\\\d+"', { 'proc.name': '42' });
    assert.equal(result.matched, false);
    assert.match(result.errors[0]!, /POSIX mode, which rejects '\\d'/);
  });

  it('marks anchors on multi-line values as approximate', () => {
    const result = evaluate('proc.cmdline regex "^a.*"', { 'proc.cmdline': 'ab\ncd' });
    assert.equal(result.matched, false);
    assert.match(result.approximations[0]!, /line breaks/);
  });

  it('marks non-ASCII regex matches as approximate', () => {
    const result = evaluate('proc.name regex "caf."', { 'proc.name': 'café' });
    assert.equal(result.matched, true);
    assert.equal(result.approximations.length, 1);
    assert.match(result.approximations[0]!, /UTF-8 bytes/);
  });
});

describe('evaluator: numeric comparisons', () => {
  table([
    ['fd.sport > 1023', { 'fd.sport': 8443 }, true, 'filter_compare.cpp flt_compare_numeric'],
    ['fd.sport > 1023', { 'fd.sport': '80' }, false, 'filter_compare.cpp flt_compare_numeric'],
    ['fd.sport >= 1023', { 'fd.sport': 1023 }, true, 'filter_compare.cpp CO_GE'],
    ['proc.pid < 100', { 'proc.pid': 99 }, true, 'filter_compare.cpp CO_LT'],
    ['proc.pid <= 100', { 'proc.pid': 101 }, false, 'filter_compare.cpp CO_LE'],
    ['proc.pid = 0100', { 'proc.pid': 100 }, true, 'value_parser.cpp reads decimal, so 0100 is 100'],
    ['proc.pid != 1', { 'proc.pid': 1 }, false, 'filter_compare.cpp CO_NE'],
    ['proc.pid in (1, 2, 3)', { 'proc.pid': 2 }, true, 'filter_compare.cpp CO_IN is equality'],
    ['user.uid = 0', { 'user.uid': '0' }, true, 'UID compares as a number'],
    ['evt.rawarg.res < 0', { 'evt.rawarg.res': -2 }, true, 'LANGUAGE.md 6.2: evt.rawarg.res is ERRNO, signed'],
  ]);

  it('reports a port service name as not evaluable', () => {
    const result = evaluate('fd.sport = https', { 'fd.sport': 443 });
    assert.match(result.errors[0]!, /^'https' is a service name, which Falco resolves through \/etc\/services/);
  });

  it('reports a word compared with a number field', () => {
    const result = evaluate('proc.pid = abc', { 'proc.pid': 1 });
    assert.match(result.errors[0]!, /Falco does not load this check: 'abc' is not a valid number for proc\.pid/);
  });
});

describe('evaluator: IP addresses and networks', () => {
  table([
    ['fd.sip = 10.0.0.1', { 'fd.sip': '10.0.0.1' }, true, 'filter_compare.cpp flt_compare_ipv4addr'],
    ['fd.sip = 10.0.0.1', { 'fd.sip': '10.0.0.2' }, false, 'filter_compare.cpp flt_compare_ipv4addr'],
    ['fd.sip = "::1"', { 'fd.sip': '0:0:0:0:0:0:0:1' }, true, 'filter_compare.cpp ipv6 equality on bytes'],
    ['fd.sip = 10.0.0.1', { 'fd.sip': '::ffff:10.0.0.1' }, false, 'filter_compare.cpp PT_IPADDR: IPv4 never equals IPv6'],
    ['fd.sip in (10.0.0.1, 10.0.0.2)', { 'fd.sip': '10.0.0.2' }, true, 'sinsp_filtercheck.cpp compare_rhs CO_IN'],
    ['fd.snet = 10.0.0.0/8', { 'fd.sip': '10.20.30.40' }, true, 'filter_compare.cpp flt_compare_ipv4net; fd.snet extracts fd.sip'],
    ['fd.snet = 10.0.0.0/8', { 'fd.sip': '11.0.0.1' }, false, 'filter_compare.cpp flt_compare_ipv4net'],
    ['fd.snet != 10.0.0.0/8', { 'fd.sip': '11.0.0.1' }, true, 'filter_compare.cpp CO_NE for networks'],
    ['fd.snet in (10.0.0.0/8, 192.168.0.0/16)', { 'fd.sip': '192.168.7.7' }, true, 'sinsp_filtercheck.cpp compare_rhs loops eq-only types'],
    ['fd.snet = "fd00::/8"', { 'fd.sip': 'fd12::1' }, true, 'filter_compare.cpp flt_compare_ipv6net'],
    ['fd.snet = 10.0.0.0/8', { 'fd.sip': 'fd12::1' }, false, 'filter_compare.cpp PT_IPNET: other family'],
    ['fd.net = 172.16.0.0/12', { 'fd.cip': '172.17.0.2', 'fd.sip': '8.8.8.8' }, true, 'sinsp_filtercheck_fd.cpp compare_net: either address'],
    ['fd.ip != 8.8.8.8', { 'fd.cip': '172.17.0.2', 'fd.sip': '8.8.8.8' }, false, 'sinsp_filtercheck_fd.cpp compare_ip: != needs both to differ'],
    ['fd.ip = 8.8.8.8', { 'fd.ip': '8.8.8.8' }, true, 'an event may give fd.ip itself'],
  ]);

  it('reports a CIDR compared with an address field', () => {
    const result = evaluate('fd.sip in (10.0.0.0/8)', { 'fd.sip': '10.0.0.1' });
    assert.equal(result.matched, false);
    assert.match(result.errors[0]!, /Falco does not load this check: '10\.0\.0\.0\/8' is a network in CIDR notation, but fd\.sip holds a single IP address/);
  });
});

describe('evaluator: list fields and intersects', () => {
  table([
    ['fd.types intersects (ipv4, ipv6)', { 'fd.types': ['file', 'ipv4'] }, true, 'sinsp_filtercheck.cpp compare_rhs list CO_INTERSECTS'],
    ['fd.types intersects (ipv4, ipv6)', { 'fd.types': ['file', 'unix'] }, false, 'sinsp_filtercheck.cpp compare_rhs list CO_INTERSECTS'],
    ['fd.types in (file, ipv4)', { 'fd.types': ['file', 'ipv4'] }, true, 'sinsp_filtercheck.cpp compare_rhs list CO_IN: every value in the set'],
    ['fd.types in (file)', { 'fd.types': ['file', 'ipv4'] }, false, 'sinsp_filtercheck.cpp compare_rhs list CO_IN'],
    ['fd.types in (file)', { 'fd.types': [] }, true, 'sinsp_filtercheck.cpp compare_rhs list CO_IN loops over no values'],
    ['proc.aname = sshd', { 'proc.aname': ['bash', 'sshd', 'systemd'] }, true, 'proc.aname without index compares every ancestor'],
    ['proc.aname != sshd', { 'proc.aname': ['sshd', 'systemd'] }, true, 'sinsp_filtercheck_thread.cpp compare_full_aname: any ancestor satisfies !='],
    ['proc.aname != sshd', { 'proc.aname': ['sshd'] }, false, 'sinsp_filtercheck_thread.cpp compare_full_aname'],
    ['fd.port > 1023', { 'fd.cport': 40000, 'fd.sport': 443 }, true, 'sinsp_filtercheck_fd.cpp compare_port: either port'],
    ['fd.port != 443', { 'fd.cport': 40000, 'fd.sport': 443 }, false, 'sinsp_filtercheck_fd.cpp compare_port: != needs both to differ'],
    ['proc.aname[2] = sshd', { 'proc.aname[2]': 'sshd' }, true, 'LANGUAGE.md 2.7: index argument'],
    ['proc.env[HOME] = /root', { 'proc.env["HOME"]': '/root' }, true, 'LANGUAGE.md 2.7: key argument, quotes are not part of it'],
    ['evt.arg.flags contains O_TRUNC', { 'evt.arg.flags': 'O_WRONLY|O_TRUNC' }, true, 'LANGUAGE.md 6.2: evt.arg is text'],
    ['evt.arg[0] = 3', { 'evt.arg[0]': '3' }, true, 'LANGUAGE.md 6.2: evt.arg[N] is a positional string'],
  ]);
});

describe('evaluator: missing values and exists', () => {
  table([
    ['proc.name = bash', {}, false, 'sinsp_filtercheck.cpp compare_nocache: no value, false'],
    ['proc.name != bash', {}, false, 'LANGUAGE.md 3.5: missing values never match a comparison'],
    ['not proc.name = bash', {}, true, 'filter.cpp: not negates the false check'],
    ['proc.name exists', {}, false, 'LANGUAGE.md 3.5: exists tests presence'],
    ['proc.name exists', { 'proc.name': '' }, true, 'an empty string is a value'],
    ['not proc.name exists', { 'proc.name': null }, true, 'null is a missing value, as in JSON alerts'],
    ['proc.name = val(proc.pname)', { 'proc.name': 'bash' }, false, 'sinsp_filtercheck.cpp compare_nocache: the right-hand field has no value'],
  ]);

  it('explains a missing field in its node', () => {
    const result = evaluate('proc.name = bash', {});
    assert.equal(result.tree.fieldValue, '<missing>');
    assert.match(result.tree.note!, /no value for proc\.name/);
  });
});

describe('evaluator: transformers and val()', () => {
  table([
    ['tolower(proc.name) = bash', { 'proc.name': 'BaSh' }, true, 'sinsp_filter_transformer_tolower.cpp'],
    ['toupper(proc.name) = BASH', { 'proc.name': 'bash' }, true, 'sinsp_filter_transformer_toupper.cpp'],
    ['basename(proc.exepath) = bash', { 'proc.exepath': '/usr/bin/bash' }, true, 'sinsp_filter_transformer_basename.cpp'],
    ['basename(fd.name) = ""', { 'fd.name': '/tmp/' }, true, 'sinsp_filter_transformer_basename.cpp: empty after a trailing /'],
    ['b64(proc.cmdline) = "whoami"', { 'proc.cmdline': 'd2hvYW1p' }, true, 'sinsp_filter_transformer_base64.cpp decodes without padding'],
    ['b64(proc.cmdline) = "whoami"', { 'proc.cmdline': 'not base64!' }, false, 'sinsp_filter_transformer_base64.cpp: a failed decode fails the check'],
    ['len(proc.name) > 3', { 'proc.name': 'bash' }, true, 'sinsp_filter_transformer_len.cpp strnlen'],
    ['len(proc.name) = 5', { 'proc.name': 'café' }, true, 'sinsp_filter_transformer_len.cpp counts bytes'],
    ['len(fd.types) = 2', { 'fd.types': ['file', 'ipv4'] }, true, 'sinsp_filter_transformer_len.cpp counts list values'],
    ['proc.name = val(proc.pname)', { 'proc.name': 'bash', 'proc.pname': 'bash' }, true, 'LANGUAGE.md 2.8: val() compares two fields'],
    ['proc.name = proc.pname', { 'proc.name': 'bash', 'proc.pname': 'bash' }, false, 'LANGUAGE.md 2.8: without val() the right side is the string'],
    ['concat(proc.name, "-x") = "bash-x"', { 'proc.name': 'bash' }, true, 'sinsp_filtercheck_multivalue_transformer.cpp concat'],
    ['join(",", fd.types) = "file,ipv4"', { 'fd.types': ['file', 'ipv4'] }, true, 'sinsp_filtercheck_multivalue_transformer.cpp join'],
  ]);

  table([
    ['getopt(proc.args, "c:")[c] = ls', { 'proc.args': ['-c', 'ls'] }, true, 'sinsp_filtercheck_multivalue_transformer.cpp getopt: value in the next argument'],
    ['getopt(proc.args, "c:")[c] = ls', { 'proc.args': ['-cls'] }, true, 'getopt: value attached to the option'],
    ['getopt(proc.args, "nc:")[c] = ls', { 'proc.args': ['-nc', 'ls'] }, true, 'getopt: option clusters'],
    ['getopt(proc.args, "c:")[c] = ls', { 'proc.args': ['-c', 'x', '-c', 'ls'] }, true, 'getopt: the last occurrence wins'],
    ['getopt(proc.args, "c:")[c] exists', { 'proc.args': ['run', '-c', 'ls'] }, false, 'getopt: scanning stops at the first non-option, so extraction fails'],
    ['getopt(proc.args, "c:")[c] = ""', { 'proc.args': ['-c'] }, true, 'getopt: a missing value is empty'],
    ['getopt(proc.args, "c:") intersects ("?")', { 'proc.args': ['-x', '-c', 'ls'] }, true, 'getopt without selector: ? for an unknown option'],
    ['getopt(proc.args, "c:")[c] = ls', { 'proc.args': ['--exec', '-c', 'ls'] }, true, 'getopt: long options are skipped'],
  ]);
});

describe('evaluator: oneof, anyof and allof', () => {
  table([
    ['proc.name startswith anyof (ba, z)', { 'proc.name': 'zsh' }, true, 'LANGUAGE.md 2.5: anyof, at least one'],
    ['proc.name startswith anyof (ba, z)', { 'proc.name': 'ksh' }, false, 'LANGUAGE.md 2.5'],
    ['proc.name contains allof (b, sh)', { 'proc.name': 'bash' }, true, 'LANGUAGE.md 2.5: allof, every element'],
    ['proc.name contains allof (b, z)', { 'proc.name': 'bash' }, false, 'LANGUAGE.md 2.5'],
    ['proc.name contains oneof (b, sh)', { 'proc.name': 'bash' }, false, 'sinsp_filtercheck.cpp matches_one_rhs: exactly one'],
    ['proc.name contains oneof (b, z)', { 'proc.name': 'bash' }, true, 'sinsp_filtercheck.cpp matches_one_rhs'],
    ['proc.name regex anyof ("ba.*", "z.*")', { 'proc.name': 'zsh' }, true, 'sinsp_filtercheck.cpp matches_rhs_elem for regex'],
    ['proc.name != allof (a, b)', { 'proc.name': 'c' }, true, 'sinsp_filtercheck.cpp matches_all_rhs: not in the set'],
  ]);
});

describe('evaluator: boolean logic', () => {
  table([
    ['proc.name = a or proc.name = b and proc.pid = 1', { 'proc.name': 'a', 'proc.pid': 2 }, true, 'LANGUAGE.md 2.3: and binds tighter than or'],
    ['(proc.name = a or proc.name = b) and proc.pid = 1', { 'proc.name': 'a', 'proc.pid': 2 }, false, 'LANGUAGE.md 2.3: parentheses'],
    ['not not proc.name = a', { 'proc.name': 'a' }, true, 'filter.cpp not'],
  ]);
});
