/**
 * Cuts text to at most `max` UTF-16 code units without splitting a surrogate pair: a lone
 * half would make encodeURIComponent throw, or show as garbage downstream.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/**
 * Cuts text to at most `max` characters (code points), for limits counted the way people
 * count them, such as the App Store's 40-character campaign token.
 */
export function cutCodePoints(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join('');
}
