const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');

/**
 * A classic hex dump of `bytes[start, end)`: offset, 16 bytes in hex, and the printable ASCII
 * (anything else as "."), one line per 16 bytes.
 */
export function hexDump(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const lines: string[] = [];
  for (let off = start; off < Math.min(end, bytes.length); off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, end, bytes.length));
    let h = '';
    let a = '';
    for (let i = 0; i < 16; i++) {
      const b = row[i];
      h += b === undefined ? '   ' : hex(b, 2) + ' ';
      if (i === 7) h += ' ';
      if (b !== undefined) a += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${hex(off, 8)}  ${h} |${a}|`);
  }
  return lines.join('\n');
}
