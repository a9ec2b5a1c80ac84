/**
 * IP addresses and networks as libs compares them (libs
 * userspace/libsinsp/filter_compare.cpp: an IPv4 value never equals an IPv6
 * one, and a network matches the addresses inside its prefix).
 */
import { isIPv4, isIPv6 } from '../checks/values';

/** An address as its bytes: 4 for IPv4, 16 for IPv6. */
export type Address = number[];

export interface Network {
  address: Address;
  prefixLength: number;
}

/** Parses an IPv4 or IPv6 address in inet_pton's syntax; undefined when it is not one. */
export function parseAddress(text: string): Address | undefined {
  if (isIPv4(text)) return text.split('.').map(Number);
  if (!isIPv6(text)) return undefined;
  let body = text;
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    // An embedded IPv4 tail stands for the last two groups.
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    body = `${body.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = body.split('::');
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const zeros = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const bytes: number[] = [];
  for (const group of [...head, ...Array<string>(zeros).fill('0'), ...rest]) {
    const value = parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  return bytes.length === 16 ? bytes : undefined;
}

/** Parses `address/length`; undefined when either part is invalid. */
export function parseNetwork(text: string): Network | undefined {
  const slash = text.indexOf('/');
  if (slash === -1) return undefined;
  const address = parseAddress(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (!address || !/^[0-9]+$/.test(lengthText)) return undefined;
  const prefixLength = Number(lengthText);
  if (prefixLength > address.length * 8) return undefined;
  return { address, prefixLength };
}

export function sameAddress(a: Address, b: Address): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** True when `address` is inside `network`; addresses of the other family never are. */
export function inNetwork(address: Address, network: Network): boolean {
  if (address.length !== network.address.length) return false;
  let bits = network.prefixLength;
  for (let i = 0; i < address.length && bits > 0; i++) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((address[i]! & mask) !== (network.address[i]! & mask)) return false;
    bits -= 8;
  }
  return true;
}
