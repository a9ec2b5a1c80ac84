/**
 * Tag conventions of the official Falco rules (falcosecurity/rules): the
 * maturity tags, the `mitre_<tactic>` tags and the MITRE ATT&CK technique and
 * tactic ids they use. Names of techniques and tactics are MITRE ATT&CK
 * Enterprise's. Workspace tags and `PCI_DSS_<id>` tags come from elsewhere.
 */

export interface TagConvention {
  tag: string;
  /** One line for completion details. */
  summary: string;
  /** Markdown for documentation and hover. */
  description: string;
}

const MATURITY: Array<[string, string]> = [
  ['maturity_stable', 'Rules of falco_rules.yaml, the ruleset shipped with Falco and loaded by default.'],
  ['maturity_incubating', 'Rules of falco-incubating_rules.yaml, released separately and installed on request.'],
  ['maturity_sandbox', 'Rules of falco-sandbox_rules.yaml: experimental rules, released separately and installed on request.'],
  ['maturity_deprecated', 'Rules on their way out of the official rulesets.'],
];

/** `mitre_<tactic>` tags found in the official rules, with the ATT&CK tactic each names. */
const MITRE_TACTICS: Array<[string, string]> = [
  ['mitre_collection', 'Collection (TA0009)'],
  ['mitre_command_and_control', 'Command and Control (TA0011)'],
  ['mitre_credential_access', 'Credential Access (TA0006)'],
  ['mitre_data_destruction', 'Data Destruction, a technique of the Impact tactic (T1485)'],
  ['mitre_defense_evasion', 'Defense Evasion (TA0005)'],
  ['mitre_discovery', 'Discovery (TA0007)'],
  ['mitre_execution', 'Execution (TA0002)'],
  ['mitre_exfiltration', 'Exfiltration (TA0010)'],
  ['mitre_impact', 'Impact (TA0040)'],
  ['mitre_initial_access', 'Initial Access (TA0001)'],
  ['mitre_lateral_movement', 'Lateral Movement (TA0008)'],
  ['mitre_persistence', 'Persistence (TA0003)'],
  ['mitre_privilege_escalation', 'Privilege Escalation (TA0004)'],
  ['mitre_reconnaissance', 'Reconnaissance (TA0043)'],
];

/** ATT&CK technique and tactic ids found in the official rules' tags. */
const MITRE_IDS: Array<[string, string]> = [
  ['T1005', 'Data from Local System'],
  ['T1020', 'Automated Exfiltration'],
  ['T1046', 'Network Service Discovery'],
  ['T1053.003', 'Scheduled Task/Job: Cron'],
  ['T1055.008', 'Process Injection: Ptrace System Calls'],
  ['T1059', 'Command and Scripting Interpreter'],
  ['T1059.004', 'Command and Scripting Interpreter: Unix Shell'],
  ['T1070', 'Indicator Removal'],
  ['T1072', 'Software Deployment Tools'],
  ['T1083', 'File and Directory Discovery'],
  ['T1098', 'Account Manipulation'],
  ['T1098.004', 'Account Manipulation: SSH Authorized Keys'],
  ['T1132', 'Data Encoding'],
  ['T1190', 'Exploit Public-Facing Application'],
  ['T1195.002', 'Supply Chain Compromise: Compromise Software Supply Chain'],
  ['T1204', 'User Execution'],
  ['T1205.001', 'Traffic Signaling: Port Knocking'],
  ['T1222.002', 'File and Directory Permissions Modification: Linux and Mac File and Directory Permissions Modification'],
  ['T1485', 'Data Destruction'],
  ['T1490', 'Inhibit System Recovery'],
  ['T1496', 'Resource Hijacking'],
  ['T1498', 'Network Denial of Service'],
  ['T1505', 'Server Software Component'],
  ['T1505.003', 'Server Software Component: Web Shell'],
  ['T1543', 'Create or Modify System Process'],
  ['T1546.004', 'Event Triggered Execution: Unix Shell Configuration Modification'],
  ['T1548.001', 'Abuse Elevation Control Mechanism: Setuid and Setgid'],
  ['T1548.003', 'Abuse Elevation Control Mechanism: Sudo and Sudo Caching'],
  ['T1552', 'Unsecured Credentials'],
  ['T1552.001', 'Unsecured Credentials: Credentials In Files'],
  ['T1552.005', 'Unsecured Credentials: Cloud Instance Metadata API'],
  ['T1555', 'Credentials from Password Stores'],
  ['T1556', 'Modify Authentication Process'],
  ['T1557.002', 'Adversary-in-the-Middle: ARP Cache Poisoning'],
  ['T1562', 'Impair Defenses'],
  ['T1564.001', 'Hide Artifacts: Hidden Files and Directories'],
  ['T1565', 'Data Manipulation'],
  ['T1567', 'Exfiltration Over Web Service'],
  ['T1610', 'Deploy Container'],
  ['T1611', 'Escape to Host'],
  ['T1620', 'Reflective Code Loading'],
  ['T1622', 'Debugger Evasion'],
  ['TA0003', 'Persistence'],
  ['TA0004', 'Privilege Escalation'],
  ['TA0005', 'Defense Evasion'],
  ['TA0007', 'Discovery'],
  ['TA0010', 'Exfiltration'],
  ['TA0011', 'Command and Control'],
  ['TA0043', 'Reconnaissance'],
];

export const TAG_CONVENTIONS: readonly TagConvention[] = [
  ...MATURITY.map(([tag, meaning]) => ({ tag, summary: 'maturity', description: `**${tag}**: maturity level of the official Falco rules. ${meaning} Put it first among the tags.` })),
  ...MITRE_TACTICS.map(([tag, tactic]) => ({ tag, summary: `MITRE ATT&CK: ${tactic}`, description: `**${tag}**: MITRE ATT&CK tactic ${tactic}.` })),
  ...MITRE_IDS.map(([tag, name]) => {
    const kind = tag.startsWith('TA') ? 'tactic' : 'technique';
    return { tag, summary: `MITRE ATT&CK ${kind}: ${name}`, description: `**${tag}**: MITRE ATT&CK ${kind} ${name}.` };
  }),
];

const conventionsByTag = new Map(TAG_CONVENTIONS.map((convention) => [convention.tag, convention]));

/** Returns the convention that defines `tag`, or undefined for tags outside the official conventions. */
export function findTagConvention(tag: string): TagConvention | undefined {
  return conventionsByTag.get(tag);
}
