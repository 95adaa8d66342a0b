/**
 * Personal data never stored in full (个人信息保护法): an ID number keeps its first 4 and last 4
 * characters at most (`3703**********1234`), enough for a clerk to match an audit row to a
 * paper file and useless for anything else.
 */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 8) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 4)}${'*'.repeat(idNumber.length - 8)}${idNumber.slice(-4)}`;
}
