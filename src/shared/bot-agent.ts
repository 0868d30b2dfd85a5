import { isbot } from 'isbot';

// isbot flags any one-word agent, but the original system read a bare device name as that
// device ("iPhone" -> ios, "Android" -> android), and so does the click route.
const BARE_DEVICE = /^(?:iPhone|iPad|iPod|Android)$/i;

/**
 * The one rule for "a bot sent this", shared by the click path (bots never use up a
 * link's clicks) and the worker (the event's `bot` flag), so both agree on a click. An
 * empty agent is a script or a privacy proxy: every browser and web view sends one.
 */
export function isBotAgent(userAgent: string): boolean {
  return userAgent === '' || (isbot(userAgent) && !BARE_DEVICE.test(userAgent));
}
