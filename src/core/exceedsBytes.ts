/**
 * True when `text` takes more than `max` bytes in UTF-8 (a lone surrogate
 * counts 3, as its U+FFFD replacement does). Decided from the length alone
 * when it can: a UTF-16 unit takes 1 to 3 bytes (a surrogate pair 4 for its 2
 * units), so only texts between max/3 and max units are counted, and the
 * count stops as soon as it passes `max`.
 */
export function exceedsBytes(text: string, max: number): boolean {
  if (text.length * 3 <= max) return false;
  if (text.length > max) return true;
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
    if (bytes > max) return true;
  }
  return false;
}
