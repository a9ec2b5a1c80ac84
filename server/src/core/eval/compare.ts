/**
 * Comparisons of plain values by field type, as libs `flt_compare` does
 * (libs userspace/libsinsp/filter_compare.cpp), and of list fields, as
 * sinsp_filtercheck.cpp `compare_rhs` does.
 */
import { isAddressType, isNetworkType, isNumericType } from '../checks/values';
import { asciiLower, compareCodeUnits, globMatch, utf8Hex } from './operators';
import { inNetwork, parseAddress, parseNetwork, sameAddress } from './addresses';

/** The comparison family of a field type. */
export type TypeClass = 'numeric' | 'bool' | 'address' | 'network' | 'buffer' | 'string';

/** Returns the comparison family of a libs field type (`UINT64`, `IPNET`, `CHARBUF`, ...). */
export function typeClass(type: string): TypeClass {
  if (type === 'BOOL') return 'bool';
  if (isNumericType(type) || type === 'PORT') return 'numeric';
  if (isAddressType(type)) return 'address';
  if (isNetworkType(type)) return 'network';
  if (type === 'BYTEBUF') return 'buffer';
  return 'string';
}

/** Returns the first error among `results`, else whether any result is true. */
export function anyResult(results: Array<boolean | { error: string }>): boolean | { error: string } {
  const error = results.find((r): r is { error: string } => typeof r === 'object');
  return error ?? results.some((r) => r === true);
}

/** `in` on a list field: every element is in the set; `intersects`: at least one is (libs `compare_rhs` for list fields). */
export function compareList(operator: string, kind: TypeClass, values: string[], right: string[]): boolean | { error: string } {
  const member = (value: string) => right.some((r) => compareScalar('=', kind, value, r) === true);
  if (operator === 'in') return values.every(member);
  if (operator === 'intersects') return values.some(member);
  return { error: `Falco compares list fields only with 'in', 'intersects' and 'exists', not '${operator}'.` };
}

/** Compares two plain values as libs `flt_compare` does for the field's type. */
export function compareScalar(operator: string, kind: TypeClass, left: string, right: string): boolean | { error: string } {
  switch (kind) {
    case 'numeric':
      return compareNumbers(operator, left, right);
    case 'bool': {
      const a = toBool(left);
      const b = toBool(right);
      if (a === undefined) return { error: `The event value '${left}' is not a boolean: write true or false.` };
      if (operator === '=') return a === b;
      if (operator === '!=') return a !== b;
      return { error: `'${operator}' is not an operator for boolean fields.` };
    }
    case 'address':
    case 'network': {
      const address = parseAddress(left);
      if (!address) return { error: `The event value '${left}' is not an IP address.` };
      const rightAddress = kind === 'address' ? parseAddress(right) : undefined;
      const network = kind === 'network' ? parseNetwork(right) : undefined;
      const equal = rightAddress ? sameAddress(address, rightAddress) : network ? inNetwork(address, network) : false;
      if (operator === '=') return equal;
      if (operator === '!=') return !equal;
      return { error: `'${operator}' is not an operator for IP address and network fields.` };
    }
    case 'buffer':
    case 'string':
      return compareStrings(operator, left, right);
  }
}

function compareStrings(operator: string, left: string, right: string): boolean | { error: string } {
  switch (operator) {
    case '=':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return compareCodeUnits(left, right) < 0;
    case '<=':
      return compareCodeUnits(left, right) <= 0;
    case '>':
      return compareCodeUnits(left, right) > 0;
    case '>=':
      return compareCodeUnits(left, right) >= 0;
    case 'contains':
      return left.includes(right);
    case 'icontains':
      return asciiLower(left).includes(asciiLower(right));
    case 'startswith':
      return left.startsWith(right);
    case 'endswith':
      return left.endsWith(right);
    case 'glob':
      return globMatch(right, left);
    case 'iglob':
      return globMatch(right, left, true);
    case 'bcontains':
      return utf8Hex(left).includes(right.toLowerCase());
    case 'bstartswith':
      return utf8Hex(left).startsWith(right.toLowerCase());
    default:
      return { error: `'${operator}' is not an operator for string fields.` };
  }
}

function compareNumbers(operator: string, left: string, right: string): boolean | { error: string } {
  const a = toNumber(left);
  const b = toNumber(right);
  if (a === undefined) return { error: `The event value '${left}' is not a number.` };
  if (b === undefined) return { error: `'${right}' is not a number.` };
  switch (operator) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return { error: `'${operator}' is not an operator for numeric fields.` };
  }
}

/** Integers compare exactly as BigInt; other decimals (DOUBLE fields) as numbers. */
function toNumber(text: string): bigint | number | undefined {
  const trimmed = text.trim();
  if (/^[+-]?[0-9]+$/.test(trimmed)) return BigInt(trimmed);
  if (/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(trimmed)) return Number(trimmed);
  return undefined;
}

function toBool(text: string): boolean | undefined {
  if (text === 'true') return true;
  if (text === 'false') return false;
  return undefined;
}
